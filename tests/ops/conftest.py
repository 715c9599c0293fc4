"""Two real PostgreSQL 18 servers: the old Compose VM's database and the new cluster's.

Both are embedded servers, started once for the module that asks for them. The source is made
realistic by the app itself: `invoicetron migrate` creates the schema and `invoicetron createuser`
the accounts, with real argon2 hashes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import psycopg
import pytest

from invoicetron.ops.embedded import create_database
from tests.fixtures.processes import (
    cli_environment,
    remove_embedded_server,
    run_cli,
    start_embedded_server,
)

USERS = (
    ("olivia@example.com", "Olivia Owner", True),
    ("carl@example.com", "Carl Colleague", False),
)


@pytest.fixture(scope="module")
def old_vm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The old host's database, migrated and holding accounts made by the app."""
    server = start_embedded_server("old-vm")
    create_database(server.get_uri(database="postgres"), "invoicetron")
    url = str(server.get_uri(database="invoicetron"))
    environment = cli_environment(DATABASE_URL=url)
    migrated = run_cli("migrate", "--verbosity", "0", env=environment)
    assert migrated.returncode == 0, migrated.stderr
    for email, name, owner in USERS:
        args = ["createuser", "--email", email, "--name", name, "--password-stdin"]
        made = run_cli(
            *args,
            *(["--owner"] if owner else []),
            env=environment,
            stdin="a-long-test-password-42\n",
        )
        assert made.returncode == 0, made.stderr
    with psycopg.connect(url, autocommit=True) as connection:
        # Rows with awkward text: quotes, newlines, unicode, and a timestamp.
        connection.execute(
            "UPDATE accounts_user SET full_name = %s WHERE email = %s",
            ['Carl "Tab"\tO\'Brien\nÜnïcødé', "carl@example.com"],
        )
    yield url
    remove_embedded_server(server)


@pytest.fixture(scope="module")
def cluster_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The new cluster's PostgreSQL (in real use reached through a port-forward)."""
    server = start_embedded_server("cluster")
    yield server
    remove_embedded_server(server)


@pytest.fixture
def cluster_db(cluster_server: Any, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh, empty database on the cluster server, for one test."""
    name = "t_" + request.node.name.removeprefix("test_")[:40].lower()
    admin = cluster_server.get_uri(database="postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    create_database(admin, name)
    yield str(cluster_server.get_uri(database=name))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def ready_url() -> Iterator[str]:
    class Ready(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/ready"
    server.shutdown()
