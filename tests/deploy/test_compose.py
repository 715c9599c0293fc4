"""compose.yaml as a complete one-VM install, checked by structure (no Docker engine runs here).

The worker must run beside the app, the backup must be able to write its directory on a fresh VM,
upgrades must migrate before the new code starts, and PostgreSQL is pinned to one 18.x everywhere.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml
from tests.fixtures.deploy import REPO

COMPOSE = yaml.safe_load((REPO / "compose.yaml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
PINNED_POSTGRES = re.compile(r"(?:[\w.-]+/)*postgres(?:ql)?:18\.\d+(?:-[a-z0-9]+)?")
BACKUP_UID = "70"


def hardening(service: dict[str, Any]) -> dict[str, Any]:
    return {
        key: service.get(key)
        for key in ("read_only", "tmpfs", "cap_drop", "security_opt", "restart")
    }


def test_the_worker_runs_the_apps_image_with_the_apps_environment() -> None:
    app, worker = SERVICES["app"], SERVICES["worker"]
    assert worker["command"] == ["worker"]
    assert worker["image"] == app["image"]
    assert worker.get("build") == app.get("build")
    assert worker["environment"] == app["environment"]
    # The worker sends the emails: the SMTP settings are in the environment both share.
    for variable in ("EMAIL_HOST", "EMAIL_PORT", "DEFAULT_FROM_EMAIL", "EMAIL_HOST_PASSWORD"):
        assert variable in worker["environment"], variable
    assert "ports" not in worker


def test_the_worker_is_hardened_like_the_app_and_restarts() -> None:
    worker = SERVICES["worker"]
    assert hardening(worker) == hardening(SERVICES["app"])
    assert worker["read_only"] is True
    assert worker["tmpfs"] == ["/tmp"]
    assert worker["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in worker["security_opt"]
    assert worker["user"] == "1001:1001"
    assert worker["restart"] == "unless-stopped"
    # A job in progress may finish on `docker compose stop` (the Kubernetes worker has 60 s too).
    assert worker["stop_grace_period"] == "60s"


def test_the_app_and_the_worker_start_only_after_the_migrations_succeeded() -> None:
    # Upgrades are `docker compose pull && docker compose up -d`: this chain is what runs the new
    # image's migrations before any new code serves or works.
    assert SERVICES["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert SERVICES["migrate"]["restart"] == "no"
    for name in ("app", "worker"):
        depends_on = SERVICES[name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["db"]["condition"] == "service_healthy", name
        assert SERVICES[name]["image"] == SERVICES["migrate"]["image"], name


def test_the_backup_directory_is_handed_to_the_backup_user_before_the_backup_starts() -> None:
    backup = SERVICES["backup"]
    assert backup["user"].split(":")[0] == BACKUP_UID
    backup_dir = mount_source(backup, "/backups")
    # A bind mount that Docker creates on a fresh VM belongs to root; a one-shot step must give it
    # to the backup's uid before the backup runs, and the backup must wait for it.
    [(name, step)] = [
        (name, service)
        for name, service in SERVICES.items()
        if name != "backup" and mount_source(service, "/backups") == backup_dir
    ]
    assert backup["depends_on"][name]["condition"] == "service_completed_successfully"
    assert step["restart"] == "no"
    assert step["user"].split(":")[0] == "0"
    assert step["cap_drop"] == ["ALL"] and set(step["cap_add"]) <= {"CHOWN", "FOWNER"}
    assert "no-new-privileges:true" in step["security_opt"]
    assert step["image"] == backup["image"]


def test_the_backup_directory_step_makes_a_root_owned_directory_usable_by_uid_70() -> None:
    # The step's own command, run on a directory as Docker creates it (root-owned, 755). This
    # machine runs the tests as root, as Docker runs the step.
    parent = Path(tempfile.mkdtemp(prefix="invoicetron-compose-"))
    parent.chmod(0o755)  # uid 70 must reach the directory, as it reaches /backups
    directory = parent / "backups"
    directory.mkdir(mode=0o755)
    try:
        run_backup_dir_step(directory)
    finally:
        shutil.rmtree(parent)


def run_backup_dir_step(directory: Path) -> None:
    entrypoint = SERVICES["backup-dir"]["entrypoint"]
    assert entrypoint[:2] == ["sh", "-c"]
    command = entrypoint[2].replace("/backups", str(directory))
    subprocess.run(["sh", "-c", command], check=True, timeout=30)
    stat = directory.stat()
    assert (stat.st_uid, stat.st_gid) == (int(BACKUP_UID), int(BACKUP_UID))
    assert stat.st_mode & 0o777 == 0o700
    # ...so that uid 70 can write a dump there.
    subprocess.run(
        ["setpriv", "--reuid=70", "--regid=70", "--clear-groups", "touch", str(directory / "d")],
        check=True,
        timeout=30,
    )


def mount_source(service: dict[str, Any], target: str) -> str | None:
    for volume in service.get("volumes", []):
        source, _, rest = volume.partition(":")
        if rest.split(":")[0] == target:
            return source
    return None


def postgres_images() -> list[tuple[str, str]]:
    """(file, image) for every PostgreSQL image the repository deploys, found with git grep."""
    found = subprocess.run(
        ["git", "grep", "-n", "-E", r"(image|imageName):\s*\S*postgres"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    images = []
    for line in found.splitlines():
        location, _, text = line.split(":", 2)
        # The lint's own examples of bad manifests are meant to be wrong.
        if location.startswith("tests/ops/manifests/"):
            continue
        image = text.split(":", 1)[1].strip().strip("\"'")
        images.append((location, image))
    return images


def test_postgresql_is_pinned_to_one_18_minor_version_everywhere() -> None:
    images = postgres_images()
    files = {location for location, _ in images}
    # Compose, the database, the app's wait-for-database, the migration Job, the backup, prod-ha.
    assert {"compose.yaml", "deploy/kubernetes/base/postgresql.yaml"} <= files
    assert "deploy/kubernetes/overlays/prod-ha/cloudnative-pg.yaml" in files
    for location, image in images:
        assert PINNED_POSTGRES.fullmatch(image), f"{location}: {image} is not pinned to 18.x"
    # One minor version: the backup's pg_dump is never older than the server it dumps.
    minors = {image.split(":", 1)[1].split("-")[0] for _, image in images}
    assert len(minors) == 1, minors


def test_the_compose_example_names_every_required_variable() -> None:
    text = (REPO / "compose.yaml").read_text()
    required = set(re.findall(r"\$\{(\w+):\?", text))
    example = (REPO / "deploy/compose.env.example").read_text()
    defined = set(re.findall(r"^#?\s*(\w+)=", example, flags=re.MULTILINE))
    assert required >= {"POSTGRES_PASSWORD", "SECRET_KEY", "APP_URL", "EMAIL_HOST"}
    assert required <= defined, required - defined
