"""`invoicetron dev` from nothing: a fresh data directory to a sign-in page on PostgreSQL 18."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import cli_environment, free_port, http_get, wait_for_http

pytestmark = pytest.mark.slow


def test_dev_starts_an_embedded_postgres_migrates_and_serves_the_setup_page(tmp_path: Path) -> None:
    port = free_port()
    environment = cli_environment(INVOICETRON_DATA_DIR=str(tmp_path), INVOICETRON_ENV="development")
    for name in ("DATABASE_URL", "SECRET_KEY", "APP_URL", "ADDITIONAL_TRUSTED_ORIGINS"):
        environment.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "invoicetron", "dev", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/health", timeout=90)
        assert http_get(f"{base}/api/ready")[0] == 200
        status, page, _ = http_get(f"{base}/accounts/setup/")
        assert status == 200
        assert "Create the owner account" in page
        status, page, _ = http_get(f"{base}/accounts/login/")
        assert status == 200 and "Sign in" in page
        assert http_get(f"{base}/static/invoicetron/app.css")[0] == 200
        assert (tmp_path / "postgres" / "PG_VERSION").read_text().strip() == "18"
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    assert f"open {base}/accounts/setup/" in output
    deadline = time.monotonic() + 10
    while (tmp_path / "postgres" / "postmaster.pid").exists():
        assert time.monotonic() < deadline, "the embedded server must stop with `dev`"
        time.sleep(0.2)
