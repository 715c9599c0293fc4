"""A real production server (gunicorn) on its own PostgreSQL 18, holding demo billing data.

The database is prepared once for the package (migrations, an owner who signs in with a password,
a read-write API token, demo invoices with payments and credit notes); each test starts its own
server, whose log (stdout and stderr) is kept in a file for the test to read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from invoicetron.ops.embedded import create_database
from tests.fixtures.processes import (
    cli_environment,
    remove_embedded_server,
    run_cli,
    start_embedded_server,
)
from tests.reliability.server import EMAIL, PASSWORD, App, Prepared, start_app


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


@pytest.fixture
def app(prepared: Prepared, tmp_path: Path) -> Iterator[App]:
    started = start_app(prepared, tmp_path / "server.log")
    yield started
    if started.process.poll() is None:
        started.process.kill()
        started.process.wait()
