"""`backup pull` through the kubectl stand-in, and what `latest` means among the pulled files.

The stand-in's "pod" serves real pg_dump archives (taken from a real PostgreSQL 18 server) from
its pod-files folder, as the reader pod would from the backup volume.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.fixtures.kubectl import calls, can
from tests.fixtures.processes import cli_environment, run_cli

pytestmark = pytest.mark.slow

CRONJOB = {
    "kind": "CronJob",
    "spec": {
        "jobTemplate": {
            "spec": {"template": {"spec": {"containers": [{"image": "postgres:18.6-alpine"}]}}}
        }
    },
}


def k8s(kubectl: Path, *args: str) -> tuple[int, str, str]:
    done = run_cli("k8s", *args, "--kubectl", str(kubectl), env=cli_environment())
    return done.returncode, done.stdout, done.stderr


@pytest.fixture(scope="module")
def a_dump(old_vm: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real pg_dump -Fc archive of the old VM's database."""
    folder = tmp_path_factory.mktemp("dump")
    done = run_cli("k8s", "backup", "now", "--database-url", old_vm, "--backup-dir", str(folder))
    assert done.returncode == 0, done.stderr
    [dump] = folder.glob("*.dump")
    return dump


def volume(standin: Path, dump: Path, *names: str) -> dict[str, int]:
    files = standin.parent / "pod-files" / "backups"
    files.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(dump, files / name)
    return {name: (files / name).stat().st_size for name in names}


def test_pull_copies_the_cronjobs_dumps_through_a_reader_pod_and_deletes_it(
    a_dump: Path,
    tmp_path: Path,
    standin: Path,
) -> None:
    sizes = volume(
        standin, a_dump, "invoicetron_20261204T030000Z.dump", "invoicetron_20261205T030000Z.dump"
    )
    listing = "".join(f"{size} {name}\n" for name, size in sizes.items())
    can(
        standin,
        {
            "get cronjob invoicetron-db-backup": {"stdout": json.dumps(CRONJOB)},
            "exec invoicetron-backup-reader": {"stdout": listing + "12 notes.txt\n"},
        },
    )
    here = tmp_path / "pulled"

    status, out, err = k8s(standin, "backup", "pull", "--env", "prod", "--backup-dir", str(here))

    assert status == 0, err
    assert sorted(p.name for p in here.iterdir()) == sorted(sizes)
    argvs = [[a for a in c["argv"] if not a.startswith("-")] for c in calls(standin)]
    created = next(c for c in calls(standin) if c["argv"][0] == "create")  # type: ignore[index]
    pod = json.loads(str(created["stdin"]))
    assert pod["spec"]["volumes"][0]["persistentVolumeClaim"] == {
        "claimName": "invoicetron-backups",
        "readOnly": True,
    }
    assert pod["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] is False
    assert argvs[-1] == ["delete", "pod", "invoicetron-backup-reader"]
    assert "pulled" in out and "checked" in out

    again = k8s(standin, "backup", "pull", "--env", "prod", "--backup-dir", str(here))
    assert "2 already here" in again[1]


def test_a_truncated_copy_is_not_kept_and_the_pod_is_still_deleted(
    a_dump: Path,
    tmp_path: Path,
    standin: Path,
) -> None:
    volume(standin, a_dump, "invoicetron_20261205T030000Z.dump")
    can(
        standin,
        {
            "get cronjob invoicetron-db-backup": {"stdout": json.dumps(CRONJOB)},
            # The volume says the file is larger than what kubectl cp delivers.
            "exec invoicetron-backup-reader": {
                "stdout": f"{a_dump.stat().st_size + 100} invoicetron_20261205T030000Z.dump\n"
            },
        },
    )

    status, _, err = k8s(standin, "backup", "pull", "--env", "prod", "--backup-dir", str(tmp_path))

    assert status == 1 and "run pull again" in err
    assert not list(tmp_path.glob("invoicetron_*"))
    last = [a for a in calls(standin)[-1]["argv"] if not a.startswith("-")]  # type: ignore[union-attr]
    assert last == ["delete", "pod", "invoicetron-backup-reader"]


def test_latest_is_the_newest_scheduled_or_manual_dump_never_a_safety_dump(
    a_dump: Path,
    tmp_path: Path,
    standin: Path,
) -> None:
    for name in (
        "invoicetron_20261205T030000Z.dump",  # the CronJob's, pulled
        "invoicetron-prod_20261205T120000Z.dump",  # backup now
        "invoicetron-prod-source_20261206T090000Z.dump",  # what migrate-data copied
        "invoicetron-prod-before-restore_20261206T100000Z.dump",  # a restore's safety dump
    ):
        shutil.copy(a_dump, tmp_path / name)

    status, out, err = k8s(
        standin,
        "backup",
        "verify",
        "latest",
        "--backup-dir",
        str(tmp_path),
        "--max-age-hours",
        "1000000",
    )
    listed = k8s(standin, "backup", "list", "--backup-dir", str(tmp_path))

    assert status == 0, err
    assert out.startswith(str(tmp_path / "invoicetron-prod_20261205T120000Z.dump"))
    assert "before-restore " in listed[1] and "scheduled" in listed[1] and "manual" in listed[1]
