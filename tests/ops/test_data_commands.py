"""The data commands end to end, as an operator runs them: old VM → cluster, backups, drill."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from tests.fixtures.processes import cli_environment, run_cli

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("standin")]


def k8s(*args: str) -> tuple[int, str, str]:
    """The command, with the kubectl stand-in (migrate-data scales the target's app and worker)."""
    import os

    kubectl = ["--kubectl", str(Path(os.environ["STANDIN_DIR"]) / "kubectl")]
    quiet = ["--quiet-seconds", "0"] if args[0] == "migrate-data" else []
    done = run_cli("k8s", *args, *kubectl, *quiet, env=cli_environment())
    return done.returncode, done.stdout, done.stderr


def test_migrate_data_copies_the_old_database_and_prints_every_table_identical(
    old_vm: str, cluster_db: str, tmp_path: Path
) -> None:
    status, out, err = k8s(
        "migrate-data",
        "--env",
        "prod",
        "--from",
        old_vm,
        "--to",
        cluster_db,
        "--backup-dir",
        str(tmp_path),
    )

    assert status == 0, err
    assert "public.accounts_user" in out and "tables and" in out and "all identical" in out
    assert list(tmp_path.glob("invoicetron-prod-source_*.dump"))


def test_compare_fails_with_the_table_that_differs_after_the_target_is_corrupted(
    old_vm: str, cluster_db: str, tmp_path: Path
) -> None:
    k8s("migrate-data", "--from", old_vm, "--to", cluster_db, "--backup-dir", str(tmp_path))
    with psycopg.connect(cluster_db, autocommit=True) as connection:
        connection.execute("UPDATE accounts_user SET email = 'eve@example.com' WHERE NOT is_owner")

    status, out, err = k8s("compare", "--from", old_vm, "--to", cluster_db)

    assert status == 1
    assert "DIFFERENT: same count, different content" in out
    assert "the databases differ" in err


def test_migrating_into_a_database_holding_data_needs_yes(
    old_vm: str, cluster_db: str, tmp_path: Path
) -> None:
    k8s("migrate-data", "--from", old_vm, "--to", cluster_db, "--backup-dir", str(tmp_path))

    status, _, err = k8s("migrate-data", "--from", old_vm, "--to", cluster_db)

    assert status == 1 and "Pass --yes" in err


def test_a_backup_is_taken_verified_and_drilled_into_a_scratch_database(
    old_vm: str, tmp_path: Path
) -> None:
    where = ("--database-url", old_vm, "--backup-dir", str(tmp_path))

    taken = k8s("backup", "now", *where)
    checked = k8s("backup", "verify", "--backup-dir", str(tmp_path))
    drilled = k8s("backup", "drill", *where)

    assert taken[0] == 0 and "verified" in taken[1], taken[2]
    assert checked[0] == 0 and "readable by pg_restore" in checked[1]
    assert drilled[0] == 0, drilled[2]
    assert "all identical" in drilled[1] and "backup drill passed" in drilled[1]
    with psycopg.connect(old_vm) as connection:
        scratch = connection.execute(
            "SELECT count(*) FROM pg_database WHERE datname LIKE 'invoicetron_drill_%'"
        ).fetchone()
    assert scratch == (0,)


def test_restore_takes_a_safety_backup_and_checks_every_table(
    old_vm: str, cluster_db: str, tmp_path: Path
) -> None:
    k8s("backup", "now", "--database-url", old_vm, "--backup-dir", str(tmp_path))
    k8s("migrate-data", "--from", old_vm, "--to", cluster_db, "--backup-dir", str(tmp_path))

    status, out, err = k8s(
        "restore", "latest", "--database-url", cluster_db, "--backup-dir", str(tmp_path), "--yes"
    )

    assert status == 0, err
    assert "safety backup:" in out and "all identical" in out
    assert list(tmp_path.glob("invoicetron-dev-before-restore_*.dump"))
