"""A recording stand-in for kubectl: no Kubernetes API server can run on our machines.

It appends each call (argv and standard input) to $STANDIN_DIR/calls.jsonl, keeps Secrets applied
to it in $STANDIN_DIR/secrets/ so they can be read back, answers `kustomize` with the real kubectl,
copies files out of "pods" for `cp POD:PATH LOCAL` from $STANDIN_DIR/pod-files/PATH, and answers
everything else from $STANDIN_DIR/canned.json (longest matching prefix of the argv's
words, then its --selector, wins).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def main() -> int:
    state = Path(os.environ["STANDIN_DIR"])
    argv = sys.argv[1:]
    stdin = "" if sys.stdin is None or sys.stdin.isatty() else sys.stdin.read()
    with (state / "calls.jsonl").open("a") as log:
        log.write(json.dumps({"argv": argv, "stdin": stdin}) + "\n")
    words = [a for a in argv if not a.startswith("-")]
    if words[:1] == ["kustomize"]:
        return subprocess.run([os.environ["REAL_KUBECTL"], *argv]).returncode
    secrets = state / "secrets"
    secrets.mkdir(exist_ok=True)
    if words[:1] == ["apply"] and '"kind": "Secret"' in stdin:
        for item in json.loads(stdin)["items"]:
            (secrets / item["metadata"]["name"]).write_text(json.dumps(item))
        return 0
    if words[:2] == ["get", "secret"]:
        stored = secrets / words[2]
        print(stored.read_text() if stored.exists() else "")
        return 0
    if words[:1] == ["cp"]:
        source = state / "pod-files" / words[1].split(":", 1)[1].lstrip("/")
        if not source.is_file():
            sys.stderr.write(f"error: {words[1]}: No such file or directory\n")
            return 1
        Path(words[2]).write_bytes(source.read_bytes())
        return 0
    canned = (
        json.loads((state / "canned.json").read_text()) if (state / "canned.json").exists() else {}
    )
    # A label selector is part of the key, so replies can differ by selector ("get pods
    # --selector=…"); a key without it still matches as a prefix.
    key = " ".join(words + [a for a in argv if a.startswith("--selector=")])
    matches = [prefix for prefix in canned if key.startswith(prefix)]
    reply = canned[max(matches, key=len)] if matches else {}
    sys.stdout.write(reply.get("stdout", ""))
    sys.stderr.write(reply.get("stderr", ""))
    return int(reply.get("code", 0))


if __name__ == "__main__":
    sys.exit(main())
