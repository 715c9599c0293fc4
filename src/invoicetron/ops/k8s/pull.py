"""`backup pull`: copy the CronJob's dumps from the backup volume to the operator's machine.

The dumps sit on the PVC invoicetron-backups, which only the CronJob's short-lived pods mount, so
pull starts a small reader pod that mounts it read-only (the CronJob's own image and security
settings: Pod Security "restricted", the quota's requests and limits), lists the dumps, copies the
ones missing here with `kubectl cp`, checks each copy (same size, readable by pg_restore --list) and
deletes the pod whatever happens. A file appears under its own name only once it is checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import backups, database
from invoicetron.ops.k8s.kubectl import Kubectl, KubectlError
from invoicetron.ops.k8s.workflows import StepFailed

Say = Callable[[str], None]

READER = "invoicetron-backup-reader"
MOUNT = "/backups"
# Lists "size name" per finished dump; `true` keeps an empty volume from failing the command.
LIST_DUMPS = (
    f'cd {MOUNT} && for f in invoicetron_*.dump; do [ -f "$f" ] && echo "$(wc -c < "$f") $f"; '
    "done; true"
)


class PullFailed(StepFailed):
    """The message says what failed and what to do."""


def reader_pod(namespace: str, image: str) -> dict:
    restricted = {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": READER,
            "namespace": namespace,
            "labels": {
                names.NAME_LABEL: names.DB_NAME,
                names.COMPONENT_LABEL: "backup-reader",
                names.PART_OF_LABEL: "invoicetron",
            },
        },
        "spec": {
            "restartPolicy": "Never",
            # Gone on its own if pull is interrupted before it deletes the pod.
            "activeDeadlineSeconds": 1800,
            "automountServiceAccountToken": False,
            "enableServiceLinks": False,
            "securityContext": {
                "runAsNonRoot": True,
                "runAsUser": 70,
                "runAsGroup": 70,
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "containers": [
                {
                    "name": "reader",
                    "image": image,
                    "command": ["sleep", "1800"],
                    "resources": {
                        "requests": {"cpu": "10m", "memory": "32Mi"},
                        "limits": {"cpu": "200m", "memory": "128Mi"},
                    },
                    "securityContext": restricted,
                    "volumeMounts": [{"name": "backups", "mountPath": MOUNT, "readOnly": True}],
                }
            ],
            "volumes": [
                {
                    "name": "backups",
                    "persistentVolumeClaim": {"claimName": names.BACKUP_PVC, "readOnly": True},
                }
            ],
        },
    }


def parse_listing(output: str) -> dict[str, int]:
    """{file name: size} from LIST_DUMPS' output; anything not a dump name is ignored."""
    found = {}
    for line in output.splitlines():
        size, _, name = line.strip().partition(" ")
        if size.isdigit() and backups.STAMP.search(name) and "/" not in name:
            found[name] = int(size)
    return found


def backup_image(cronjob: dict) -> str:
    spec = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return str(spec["containers"][0]["image"])


def pull(kubectl: Kubectl, namespace: str, directory: Path, say: Say, *, dry_run: bool) -> None:
    cronjob = kubectl.get("cronjob", names.BACKUP_CRONJOB, namespace)
    if cronjob is None:
        raise PullFailed(
            f"no cronjob/{names.BACKUP_CRONJOB} in {namespace}: the scheduled backup is part of "
            "the prod overlay (components/backup)"
        )
    image = backup_image(cronjob)
    if dry_run:
        say(
            f"dry run: would start pod/{READER} ({image}) mounting pvc/{names.BACKUP_PVC} "
            f"read-only, copy the dumps missing from {directory}, check each, delete the pod"
        )
        return
    directory.mkdir(parents=True, exist_ok=True)
    say(f"starting pod/{READER} to read pvc/{names.BACKUP_PVC}…")
    kubectl.delete("pod", READER, namespace)  # a leftover of an interrupted pull
    kubectl.create(json.dumps(reader_pod(namespace, image)))
    try:
        kubectl.run(
            "wait",
            "--for=condition=Ready",
            f"pod/{READER}",
            f"--namespace={namespace}",
            "--timeout=180s",
            timeout=210,
        )
        remote = parse_listing(kubectl.exec(READER, namespace, ["sh", "-c", LIST_DUMPS]))
        copy_missing(kubectl, namespace, remote, directory, say)
    except KubectlError as error:
        raise PullFailed(
            f"{error}. If the pod cannot start, the volume may be attached to a running backup Job "
            f"(ReadWriteOnce): try again when it finished (`kubectl get jobs -n {namespace}`)"
        ) from None
    finally:
        kubectl.delete("pod", READER, namespace)


def copy_missing(
    kubectl: Kubectl, namespace: str, remote: dict[str, int], directory: Path, say: Say
) -> None:
    if not remote:
        say(f"no dumps on pvc/{names.BACKUP_PVC}: has the CronJob run yet?")
        return
    have = {path.name: path.stat().st_size for path in directory.glob("invoicetron_*.dump")}
    wanted = sorted(name for name, size in remote.items() if have.get(name) != size)
    say(f"{len(remote)} dump(s) on the volume, {len(remote) - len(wanted)} already here")
    for name in wanted:
        target = directory / name
        partial = directory / f"{name}.partial"
        try:
            kubectl.run(
                "cp",
                f"{READER}:{MOUNT}/{name}",
                str(partial),
                "--container=reader",
                f"--namespace={namespace}",
                "--retries=5",
                timeout=1800,
            )
            size = partial.stat().st_size if partial.exists() else 0
            if size != remote[name]:
                raise PullFailed(f"{name}: copied {size} of {remote[name]} bytes; run pull again")
            info = database.verify_dump(partial)
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
        say(f"pulled {target} ({backups.format_size(info.size)}, {info.tables} tables), checked")
