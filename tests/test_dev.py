"""`make run` and `invoicetron dev`: server, worker and database start and stop together.

Each test runs the real command as a newcomer would (only INVOICETRON_DATA_DIR set), in its own
session like a terminal's, and sends the signals a terminal or a supervisor sends.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import psutil
import psycopg
import pytest

from tests.fixtures.processes import free_port, http_get, run_cli
from tests.localrun import (
    cleaned_up,
    descendants,
    embedded_database_url,
    invoicetron,
    local_environment,
    postmaster_pid,
    started,
    wait_for,
    wait_until_gone,
    wait_until_serving,
)

pytestmark = pytest.mark.slow
REPOSITORY = Path(__file__).resolve().parents[1]

# Queues one periodic pass by hand (without the tick's queueing lock, so that it never collides
# with the one the worker's scheduler queues) and prints the job's id.
# Its own queueing lock: the tick the worker's periodic deferrer queues at start may still wait
# in the queue under the task's usual lock, and a second one would be refused as already queued.
QUEUE_A_JOB = (
    "from procrastinate.contrib.django import app; "
    "print(app.configure_task('automation.tick', queueing_lock='test-dev').defer(timestamp=1))"
)


@pytest.fixture
def data_dir(tmp_path: Path) -> Iterator[Path]:
    with cleaned_up(tmp_path):
        yield tmp_path


def workers_of(pid: int) -> list[psutil.Process]:
    """The `invoicetron worker` processes `dev` started (a worker's own short-lived forks aside)."""
    dev = next(p for p in [psutil.Process(pid), *descendants(pid)] if "dev" in p.cmdline())
    return [p for p in dev.children() if "worker" in p.cmdline()]


def assert_all_stopped(children: list[psutil.Process], postgres: psutil.Process) -> None:
    assert children, "the test must have seen the processes it checks"
    assert wait_until_gone(children) == [], "every process `dev` started must stop with it"
    assert wait_until_gone([postgres]) == [], "the embedded PostgreSQL must stop with `dev`"


def test_dev_starts_an_embedded_postgres_migrates_and_serves_the_setup_page(data_dir: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = invoicetron("dev", "--port", str(port))
    log = data_dir / "dev.log"
    with started(command, local_environment(data_dir), log) as dev:
        wait_until_serving(port, log)
        assert http_get(f"{base}/api/ready")[0] == 200
        status, page, _ = http_get(f"{base}/accounts/setup/")
        assert status == 200
        assert "Create the owner account" in page
        status, _, headers = http_get(f"{base}/accounts/login/")
        assert (status, headers["Location"]) == (302, "/accounts/setup/")
        assert http_get(f"{base}/static/invoicetron/app.css")[0] == 200
        assert (data_dir / "postgres" / "PG_VERSION").read_text().strip() == "18"
        postgres = psutil.Process(postmaster_pid(data_dir))
        children = descendants(dev.pid)
        dev.send_signal(signal.SIGINT)
        dev.wait(timeout=60)
    assert_all_stopped(children, postgres)
    assert postmaster_pid(data_dir) is None
    assert f"open {base}/accounts/setup/" in log.read_text()


def test_dev_runs_the_worker_which_does_the_queued_jobs(data_dir: Path) -> None:
    port = free_port()
    environment = local_environment(data_dir)
    log = data_dir / "dev.log"
    with started(invoicetron("dev", "--port", str(port)), environment, log) as dev:
        wait_until_serving(port, log)
        assert len(workers_of(dev.pid)) == 1, "`dev` runs one `invoicetron worker` beside it"
        queued = run_cli(
            "manage", "shell", "--verbosity", "0", "-c", QUEUE_A_JOB, env=environment
        )  # fmt: skip
        assert queued.returncode == 0, queued.stderr
        job_id = int(queued.stdout.split()[-1])
        with psycopg.connect(embedded_database_url(data_dir), autocommit=True) as database:

            def job_done() -> bool:
                row = database.execute(
                    "SELECT status FROM procrastinate_jobs WHERE id = %s", [job_id]
                ).fetchone()
                assert row is None or row[0] in ("todo", "doing", "succeeded"), row
                return row is None or row[0] == "succeeded"  # done jobs are deleted

            wait_for(job_done, "the worker of `dev` to run a queued job")
        dev.send_signal(signal.SIGINT)
        dev.wait(timeout=60)


def test_ctrl_c_on_make_run_stops_the_server_the_worker_and_the_database(data_dir: Path) -> None:
    port = free_port()
    venv = Path(sys.prefix)
    # The virtualenv running these tests is the one `make run` uses; never reinstall it here.
    command = ["make", "--no-print-directory", "-o", f"{venv}/.installed", "run"]
    command += [f"VENV={venv}", f"PORT={port}"]
    log = data_dir / "make.log"
    with started(command, local_environment(data_dir), log, REPOSITORY) as make:
        wait_until_serving(port, log)
        assert workers_of(make.pid), "`make run` runs the worker too"
        postgres = psutil.Process(postmaster_pid(data_dir))
        children = descendants(make.pid)
        os.killpg(make.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        make.wait(timeout=90)
    assert_all_stopped(children, postgres)
    assert postmaster_pid(data_dir) is None


def test_a_killed_run_takes_its_worker_along_and_the_next_stops_all_on_sigterm(
    data_dir: Path,
) -> None:
    environment = local_environment(data_dir)
    port = free_port()
    log = data_dir / "1.log"
    with started(invoicetron("dev", "--port", str(port)), environment, log) as dev:
        wait_until_serving(port, log)
        worker = workers_of(dev.pid)
        dev.kill()  # a crash, or `kill -9`: no clean-up runs
        dev.wait()
    assert worker, "the test must have seen the worker"
    assert wait_until_gone(worker) == [], "a killed `dev` takes its worker with it"
    assert postmaster_pid(data_dir) is not None, "the killed run leaves its database running"

    port = free_port()
    log = data_dir / "2.log"
    with started(invoicetron("dev", "--port", str(port)), environment, log) as dev:
        wait_until_serving(port, log)
        postgres = psutil.Process(postmaster_pid(data_dir))
        children = descendants(dev.pid)
        dev.send_signal(signal.SIGTERM)  # what a supervisor, or `kill`, sends
        dev.wait(timeout=90)
    assert_all_stopped(children, postgres)
    assert postmaster_pid(data_dir) is None
