"""A database outage is waited out: the worker reconnects, the server logs it once a second at most.

Both tests stop a real PostgreSQL 18 server (`pg_ctl stop`) and start it again.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from invoicetron.ops.embedded import create_database
from tests.fixtures.processes import cli_environment, http_get, run_cli
from tests.reliability.server import App, sign_in, stop_database

pytestmark = pytest.mark.slow
OUTAGE_SECONDS = 10


class Receiver(BaseHTTPRequestHandler):
    """A webhook receiver on loopback: the worker's deliveries show that it runs jobs."""

    events: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.events.append(self.headers["Invoicetron-Event"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    Receiver.events = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


QUEUE_EVENT = """
from invoicetron.automation.models import WebhookEndpoint
from invoicetron.automation.webhooks import emit
WebhookEndpoint.objects.get_or_create(url="{url}", defaults={{"secret": "s" * 32}})
emit("{event}", {{}})
"""


def queue_event(environment: dict[str, str], url: str, event: str) -> None:
    """Queue one webhook delivery job through the CLI, as the app would."""
    code = QUEUE_EVENT.format(url=url, event=event)
    done = run_cli("manage", "shell", "-c", code, env=environment)
    assert done.returncode == 0, done.stderr


def wait_for_event(event: str, worker: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while event not in Receiver.events:
        assert worker.poll() is None, f"the worker exited:\n{log.read_text(errors='replace')}"
        assert time.monotonic() < deadline, f"{event} not delivered:\n{log.read_text()}"
        time.sleep(0.2)


@dataclass
class Worker:
    process: subprocess.Popen[bytes]
    environment: dict[str, str]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def worker(scratch_server: Any, tmp_path: Path) -> Iterator[Worker]:
    """`invoicetron worker` (not --once) on a migrated database of its own server."""
    create_database(scratch_server.get_uri(database="postgres"), "invoicetron")
    environment = cli_environment(
        DATABASE_URL=str(scratch_server.get_uri(database="invoicetron")),
        WEBHOOKS_ALLOW_PRIVATE="true",  # the receiver listens on loopback
        DATABASE_CONNECT_TIMEOUT="2",
    )
    migrated = run_cli("migrate", "--verbosity", "0", env=environment)
    assert migrated.returncode == 0, migrated.stderr
    log = tmp_path / "worker.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoicetron", "worker"],
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    yield Worker(process, environment, log)
    scratch_server.ensure_postgres_running()
    if process.poll() is None:
        process.terminate()
        process.wait(timeout=30)


def test_the_worker_waits_out_a_database_outage_and_runs_the_next_job(
    worker: Worker, scratch_server: Any, receiver: str
) -> None:
    queue_event(worker.environment, receiver, "invoice.issued")
    wait_for_event("invoice.issued", worker.process, worker.log)

    stop_database(scratch_server)
    time.sleep(OUTAGE_SECONDS)
    assert worker.process.poll() is None, f"the worker exited:\n{worker.output()}"
    scratch_server.ensure_postgres_running()

    queue_event(worker.environment, receiver, "invoice.paid")
    wait_for_event("invoice.paid", worker.process, worker.log)
    assert "the worker resumes" in worker.output()
    worker.process.terminate()
    assert worker.process.wait(timeout=30) == 0


def test_sigterm_stops_a_worker_that_waits_for_the_database(
    worker: Worker, scratch_server: Any, receiver: str
) -> None:
    queue_event(worker.environment, receiver, "invoice.issued")
    wait_for_event("invoice.issued", worker.process, worker.log)
    stop_database(scratch_server)
    deadline = time.monotonic() + 60
    while "the worker waits for it" not in worker.output():
        assert worker.process.poll() is None, f"the worker exited:\n{worker.output()}"
        assert time.monotonic() < deadline, worker.output()
        time.sleep(0.2)
    worker.process.terminate()
    assert worker.process.wait(timeout=30) == 0


def test_during_an_outage_the_server_logs_it_once_a_second_at_most(app: App) -> None:
    server = app.database.server
    cookie = sign_in(app.base)
    start_of_outage = len(app.output())
    stop_database(server)
    try:
        with ThreadPoolExecutor(max_workers=5) as pool:
            statuses = list(
                pool.map(
                    lambda _: http_get(f"{app.base}/invoices/", {"Cookie": f"sessionid={cookie}"})[
                        0
                    ],
                    range(50),
                )
            )
        page = http_get(f"{app.base}/invoices/", {"Cookie": f"sessionid={cookie}"})
    finally:
        server.ensure_postgres_running()
    assert set(statuses) == {503}
    assert page[0] == 503 and "database" in page[1].lower()
    during = [json.loads(line) for line in app.output()[start_of_outage:].splitlines()]
    # The access log has its line per request; every other line here is about the outage.
    outage_lines = [line for line in during if line.get("logger") != "access"]
    assert 1 <= len(outage_lines) <= 3, outage_lines[:10]
    assert "database unavailable" in outage_lines[0]["message"]
