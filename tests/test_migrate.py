"""Two `invoicetron migrate` runs at once: one migrates, the other waits, neither fails."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest

from invoicetron.ops.embedded import create_database
from tests.fixtures.processes import cli_environment

pytestmark = pytest.mark.slow


def test_two_concurrent_migrations_both_succeed_and_apply_each_migration_once() -> None:
    environment = cli_environment()
    admin_url = environment["DATABASE_URL"]
    target_url = admin_url.replace("/postgres?", "/concurrent_migrate?")
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS concurrent_migrate")
    create_database(admin_url, "concurrent_migrate")
    environment["DATABASE_URL"] = target_url

    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "invoicetron", "migrate"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=180)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs

    with psycopg.connect(target_url) as connection:
        rows = connection.execute(
            "SELECT app, name FROM django_migrations GROUP BY app, name HAVING count(*) > 1"
        ).fetchall()
        applied = connection.execute("SELECT count(*) FROM django_migrations").fetchone()
    assert rows == []
    assert applied is not None and applied[0] > 10
    combined = "\n".join(outputs)
    assert combined.count("Applying accounts.0001_initial") == 1
