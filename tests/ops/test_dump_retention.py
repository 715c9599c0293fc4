"""Dumps of production data on the operator's machine: private, and only the newest N kept.

Issue 16, item 8: `backup now` and `migrate-data` wrote pg_dump archives to the laptop and kept
them forever, readable by every account. Real dumps, from a real PostgreSQL 18 server.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.fixtures.processes import cli_environment, run_cli

# migrate-data scales the target's app and worker (here: the stand-in has none to scale).
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("standin")]


def k8s(*args: str, **environment: str) -> tuple[int, str, str]:
    done = run_cli("k8s", *args, env=cli_environment(**environment))
    return done.returncode, done.stdout, done.stderr


def earlier_dumps(directory: Path, prefix: str, days: int) -> list[Path]:
    """Dumps an earlier run left, one a day in December (their content does not matter here)."""
    directory.mkdir(parents=True, exist_ok=True)
    made = []
    for day in range(1, days + 1):
        path = directory / f"{prefix}_202612{day:02d}T030000Z.dump"
        path.write_bytes(b"PGDMP earlier")
        path.chmod(0o644)
        made.append(path)
    return made


def test_backup_now_keeps_the_newest_dumps_of_its_kind_and_makes_them_private(
    old_vm: str, tmp_path: Path
) -> None:
    directory = tmp_path / "backups" / "dev"
    scheduled = earlier_dumps(directory, "invoicetron-dev", 4)
    sources = earlier_dumps(directory, "invoicetron-dev-source", 4)

    status, out, err = k8s(
        "backup",
        "now",
        "--database-url",
        old_vm,
        "--backup-dir",
        str(directory),
        INVOICETRON_BACKUP_KEEP="3",
    )

    assert status == 0, err
    remaining = sorted(p.name for p in directory.glob("invoicetron-dev_*.dump"))
    assert len(remaining) == 3
    assert remaining[:2] == [p.name for p in scheduled[-2:]]  # the two newest earlier ones
    assert all(p.exists() for p in sources)  # another kind: left alone
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in directory.glob("*.dump")} == {0o600}
    assert f"dumps are in {directory} (readable by you only): 3 of this kind" in out
    assert "2 older removed (INVOICETRON_BACKUP_KEEP)" in out


def test_migrate_data_prunes_its_source_dumps_and_zero_keeps_everything(
    old_vm: str,
    cluster_db: str,
    tmp_path: Path,
    standin: Path,
) -> None:
    sources = earlier_dumps(tmp_path, "invoicetron-prod-source", 9)
    where = ("--from", old_vm, "--to", cluster_db, "--backup-dir", str(tmp_path))
    where += ("--quiet-seconds", "0", "--kubectl", str(standin))

    status, out, err = k8s("migrate-data", "--env", "prod", *where, INVOICETRON_BACKUP_KEEP="0")

    assert status == 0, err
    assert all(p.exists() for p in sources)
    assert "10 of this kind, all kept" in out

    status, out, err = k8s("migrate-data", "--env", "prod", *where, "--yes")

    assert status == 0, err
    assert len(list(tmp_path.glob("invoicetron-prod-source_*.dump"))) == 7  # the default
    assert not sources[0].exists()


def test_a_keep_count_that_is_not_a_number_is_refused_with_what_to_write(tmp_path: Path) -> None:
    earlier_dumps(tmp_path, "invoicetron-dev", 1)

    status, _, err = k8s(
        "backup",
        "now",
        "--database-url",
        "postgresql://nobody@127.0.0.1:9/none",
        "--backup-dir",
        str(tmp_path),
        INVOICETRON_BACKUP_KEEP="a week",
    )

    assert status == 1
    assert "INVOICETRON_BACKUP_KEEP='a week' is not a whole number" in err
