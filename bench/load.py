"""The load generator: wrk (Debian's `wrk` package), a separate C process on loopback."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("report.lua")


def require_wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit(
            "make bench needs wrk, the HTTP load generator: `sudo apt-get install wrk` (Debian, "
            "Ubuntu) or `brew install wrk` (macOS), then run `make bench` again."
        )
    return found


def run_wrk(
    url: str, concurrency: int, seconds: float, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """One closed-loop run: `concurrency` connections, each sending its next request at once."""
    command = [
        require_wrk(),
        f"--threads={min(concurrency, 2)}",
        f"--connections={concurrency}",
        f"--duration={max(1, round(seconds))}s",
        f"--timeout={max(10, round(seconds))}s",  # a slow report still counts, not a timeout
        f"--script={SCRIPT}",
    ]
    for name, value in (headers or {}).items():
        command += ["--header", f"{name}: {value}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed on {url}:\n{done.stdout}\n{done.stderr}")
    result: dict[str, Any] = json.loads(line.removeprefix("BENCH "))
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    result["concurrency"] = concurrency
    return result
