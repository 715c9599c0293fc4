"""`backup drill` as the database's own, non-superuser user, on a real PostgreSQL 18 server.

CloudNativePG's application user and a hardened StatefulSet's are not superusers. DROP DATABASE …
WITH (FORCE) then fails with "permission denied to terminate process" whenever an autovacuum
worker is inside the scratch database, which used to leak a full copy of the data. Here a real
autovacuum worker is held inside a leftover scratch database (throttled to a crawl by the table's
own storage parameters) while the drill runs.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from tests.fixtures.processes import cli_environment, run_cli

pytestmark = pytest.mark.slow

USER = "drill_owner"


def scratch_names(url: str) -> list[str]:
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE 'invoicetron\\_%' ORDER BY 1"
        ).fetchall()
    return [row[0] for row in rows]


def wait_for_autovacuum(admin: str, database: str) -> None:
    """Wait (a condition, not a duration) until an autovacuum worker works inside ``database``."""
    for _ in range(240):
        with psycopg.connect(admin, autocommit=True) as connection:
            found = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s "
                "AND backend_type = 'autovacuum worker'",
                [database],
            ).fetchone()
        if found and found[0]:
            return
        time.sleep(0.5)
    pytest.fail(f"no autovacuum worker entered {database}")


def test_drill_as_a_non_superuser_drops_its_scratch_database_even_under_autovacuum(
    cluster_server: Any, tmp_path: Path
) -> None:
    admin = cluster_server.get_uri(database="postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP ROLE IF EXISTS {USER}")
        connection.execute(f"CREATE ROLE {USER} LOGIN CREATEDB NOSUPERUSER")
        connection.execute(f"CREATE DATABASE drill_live OWNER {USER}")
        connection.execute("ALTER SYSTEM SET autovacuum_naptime = 1")
        connection.execute("SELECT pg_reload_conf()")
    live = cluster_server.get_uri(database="drill_live").replace("://postgres:@", f"://{USER}:@")
    assert f"://{USER}:@" in live
    done = run_cli("migrate", "--verbosity", "0", env=cli_environment(DATABASE_URL=live))
    assert done.returncode == 0, done.stderr
    # A scratch database an earlier, interrupted drill left behind, with autovacuum inside it.
    leftover = "invoicetron_drill_0badf00d"
    with psycopg.connect(make_conninfo(admin, user=USER), autocommit=True) as connection:
        connection.execute(f"CREATE DATABASE {leftover}")
    with psycopg.connect(make_conninfo(admin, user=USER, dbname=leftover), autocommit=True) as c:
        c.execute(
            "CREATE TABLE t (id int, pad text) WITH (autovacuum_vacuum_cost_delay = 100, "
            "autovacuum_vacuum_cost_limit = 1, autovacuum_vacuum_threshold = 0)"
        )
        c.execute("INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 100000) g")
        c.execute("DELETE FROM t WHERE id % 2 = 0")
    wait_for_autovacuum(admin, leftover)
    where = ("--database-url", live, "--backup-dir", str(tmp_path))

    taken = run_cli("k8s", "backup", "now", *where, env=cli_environment())
    drilled = run_cli("k8s", "backup", "drill", *where, env=cli_environment())

    assert taken.returncode == 0, taken.stderr
    assert drilled.returncode == 0, drilled.stderr
    assert "backup drill passed" in drilled.stdout
    assert f"dropping {leftover}" in drilled.stdout
    assert scratch_names(admin) == []
