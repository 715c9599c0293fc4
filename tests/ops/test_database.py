"""Dump, restore and compare against real PostgreSQL 18 servers (old VM → cluster)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest

from invoicetron.ops.k8s import compare, database

pytestmark = pytest.mark.slow


def copy(old_vm: str, target: str, tmp_path: Path) -> database.DumpInfo:
    info = database.dump(old_vm, tmp_path / "full.dump")
    database.restore(info.path, target)
    return info


def test_a_migrated_copy_matches_the_source_in_every_table(
    old_vm: str, cluster_db: str, tmp_path: Path
) -> None:
    info = copy(old_vm, cluster_db, tmp_path)

    rows = compare.compare(old_vm, cluster_db)

    tables = [row for row in rows if row.kind == "table"]
    assert info.tables >= 10 and len(tables) >= 10
    assert compare.differences(rows) == []
    users = next(row for row in rows if row.name == "public.accounts_user")
    assert users.source is not None and users.source.rows == 2
    assert "all identical" in compare.format_comparison(rows)


def test_compare_catches_a_changed_row_a_deleted_row_and_a_missing_table(
    old_vm: str, cluster_db: str, tmp_path: Path
) -> None:
    copy(old_vm, cluster_db, tmp_path)
    with psycopg.connect(cluster_db, autocommit=True) as connection:
        connection.execute("UPDATE accounts_user SET full_name = 'Mallory' WHERE NOT is_owner")
        connection.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations)"
        )
        connection.execute("DROP TABLE django_session")

    rows = {row.name: row for row in compare.compare(old_vm, cluster_db)}

    assert rows["public.accounts_user"].problem == "same count, different content"
    assert rows["public.django_migrations"].problem == "rows differ"
    assert rows["public.django_session"].problem == "missing from the target"
    # The changed user also moved messaging's change marker (a trigger, messaging 0005): a
    # sequence that differs is reported too, as it must be after a real copy.
    assert not rows["public.messaging_change_seq"].ok
    differing = {name for name, row in rows.items() if not row.ok}
    assert differing == {
        "public.accounts_user",
        "public.django_migrations",
        "public.django_session",
        "public.messaging_change_seq",
    }
    report = compare.format_comparison(rows.values())
    assert "4 different" in report and "DIFFERENT: same count, different content" in report


def test_restoring_over_an_existing_copy_replaces_it_cleanly(
    old_vm: str, cluster_db: str, tmp_path: Path
) -> None:
    info = copy(old_vm, cluster_db, tmp_path)
    with psycopg.connect(cluster_db, autocommit=True) as connection:
        connection.execute("DELETE FROM accounts_user")

    database.restore(info.path, cluster_db)

    assert compare.differences(compare.compare(old_vm, cluster_db)) == []


def test_a_dump_of_an_empty_database_is_refused_as_a_backup(
    cluster_db: str, tmp_path: Path
) -> None:
    with pytest.raises(database.DatabaseError, match="holds no table data"):
        database.dump(cluster_db, tmp_path / "empty.dump")
    assert not (tmp_path / "empty.dump").exists()
    assert not (tmp_path / "empty.dump.partial").exists()


def test_empty_and_unreadable_files_fail_backup_verification(tmp_path: Path) -> None:
    empty = tmp_path / "empty.dump"
    empty.write_bytes(b"")
    garbage = tmp_path / "garbage.dump"
    garbage.write_bytes(b"not a dump at all")

    with pytest.raises(database.DatabaseError, match="is empty"):
        database.verify_dump(empty)
    with pytest.raises(database.DatabaseError, match="not a readable pg_dump archive"):
        database.verify_dump(garbage)


def test_a_pg_dump_older_than_the_server_is_refused(
    old_vm: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "tool_major", lambda name: 17)

    with pytest.raises(database.DatabaseError, match="pg_dump is PostgreSQL 17 but"):
        database.check_tool_version(old_vm)


def test_a_scratch_database_exists_only_inside_its_block(old_vm: str) -> None:
    with database.scratch_database(old_vm, "drill") as scratch:
        name = database.database_name(scratch)
        assert database.can_connect(scratch)
    with psycopg.connect(old_vm) as connection:
        left = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    assert name.startswith("invoicetron_drill_") and left is None


def test_tool_urls_carry_no_password_and_messages_redact_it() -> None:
    target, environment = database.tool_environment(
        "postgresql://invoicetron:s3cr%2Ft@db:5432/invoicetron"
    )

    assert "s3cr" not in target and environment["PGPASSWORD"] == "s3cr/t"
    assert database.redact("postgresql://u:s3cr%2Ft@db/x") == "postgresql://u:***@db/x"


def test_rotating_the_password_changes_what_the_server_accepts(cluster_server: Any) -> None:
    admin = cluster_server.get_uri(database="postgres")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute("DROP ROLE IF EXISTS invoicetron")
        connection.execute("CREATE ROLE invoicetron LOGIN PASSWORD 'old-password-1'")
    require_password_for("invoicetron", cluster_server)
    socket_url = admin.replace("postgres:@", "invoicetron:{}@")

    assert database.can_connect(socket_url.format("old-password-1"))
    database.set_password(admin, "invoicetron", "new-password-2")

    assert database.can_connect(socket_url.format("new-password-2"))
    assert not database.can_connect(socket_url.format("old-password-1"))


def require_password_for(user: str, server: Any) -> None:
    """The embedded server trusts every local user; make it ask this one for a SCRAM password."""
    hba = Path(server.pgdata) / "pg_hba.conf"
    rule = f"local all {user} scram-sha-256\n"
    if not hba.read_text().startswith(rule):
        hba.write_text(rule + hba.read_text())
    with psycopg.connect(server.get_uri(database="postgres"), autocommit=True) as connection:
        connection.execute("SELECT pg_reload_conf()")


def test_the_stored_verifier_is_scram_and_never_the_password() -> None:
    verifier = database.scram_verifier("hunter2-hunter2", salt=b"0123456789abcdef")

    assert verifier.startswith("SCRAM-SHA-256$4096:MDEyMzQ1Njc4OWFiY2RlZg==$")
    assert "hunter2" not in verifier
