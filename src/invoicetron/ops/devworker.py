"""The worker `invoicetron dev` runs beside its development server.

A child process running the ordinary `invoicetron worker`, not a thread in the server: it is the
same command, with the same signal handling and graceful stop, that production runs as its own
Deployment, so a local run exercises what production runs; a crashing job cannot take the
development server down; and Django's autoreloader, which restarts the server process on every code
change, leaves it alone.

The child gets a session of its own, so that Ctrl-C in the terminal reaches only `dev`, which then
stops the worker with exactly one SIGTERM: procrastinate treats a second signal as "stop now" and
would abandon the job it is running. On Linux the kernel also sends it SIGTERM if `dev` dies
without stopping it (`kill -9`), so that no worker outlives the run.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

# How long a running job gets to finish once the worker is asked to stop.
GRACEFUL_STOP_SECONDS = 30
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


@contextmanager
def worker_beside() -> Iterator[subprocess.Popen[bytes]]:
    """Run `invoicetron worker` with this process's configuration until the block ends."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "invoicetron", "worker"],
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,  # the terminal's input is the server's, not a background job's
        start_new_session=True,
        # preexec_fn is unsafe beside other threads; dev starts the worker before it has any.
        preexec_fn=_terminated_with_parent(),
    )
    try:
        yield worker
    finally:
        stop(worker)


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=GRACEFUL_STOP_SECONDS)
    except (subprocess.TimeoutExpired, KeyboardInterrupt):  # stuck, or Ctrl-C pressed again
        worker.kill()
        worker.wait()


def _terminated_with_parent() -> Callable[[], None] | None:
    """What the child runs before `exec`: ask Linux for SIGTERM when its parent dies."""
    if not sys.platform.startswith("linux"):
        return None
    # Loaded here, before the fork: the child only makes the system call.
    prctl = ctypes.CDLL(None, use_errno=True).prctl

    def ask() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    return ask
