"""A real production server (gunicorn) on its own PostgreSQL 18, holding demo billing data.

The database is prepared once for the package (migrations, an owner who signs in with a password,
a read-write API token, demo invoices with payments and credit notes); each test starts its own
server, whose log (stdout and stderr) is kept in a file for the test to read.
"""

from __future__ import annotations

import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

import pytest

from invoicetron.ops.embedded import create_database
from tests.conftest import (
    cli_environment,
    free_port,
    remove_embedded_server,
    run_cli,
    start_embedded_server,
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


@pytest.fixture(scope="package")
def prepared() -> Iterator[Prepared]:
    server = start_embedded_server("reliability")
    create_database(server.get_uri(database="postgres"), "invoicetron")
    url = str(server.get_uri(database="invoicetron"))
    environment = cli_environment(DATABASE_URL=url)
    steps = [
        (("migrate", "--verbosity", "0"), None),
        (("createuser", "--email", EMAIL, "--owner", "--password-stdin"), PASSWORD + "\n"),
        (("demo-data", "--clients", "5", "--invoices", "40"), None),
        (("manage", "token", "create", "--email", EMAIL, "--name", "reliability"), None),
    ]
    done = None
    for args, stdin in steps:
        done = run_cli(*args, env=environment, stdin=stdin)
        assert done.returncode == 0, done.stderr
    assert done is not None
    yield Prepared(server, url, done.stdout.strip())
    remove_embedded_server(server)


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


@pytest.fixture
def app(prepared: Prepared, tmp_path: Path) -> Iterator[App]:
    started = start_app(prepared, tmp_path / "server.log")
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()


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
