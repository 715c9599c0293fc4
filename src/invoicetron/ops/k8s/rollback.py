"""Rollback decisions: which earlier ReplicaSet an app rollback returns to.

The runbook's four levels, from the least to the most drastic, as `rollback --help` shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.manifests import Obj

REVISION = "deployment.kubernetes.io/revision"

LEVELS = """\
The runbook's four rollback levels:

  1. quick (manual):  start the old Compose VM again (`docker compose up -d` there) and point the
     tunnel's public hostname back at it. Nothing in the cluster changes.
  2. app:             `invoicetron k8s rollback app` returns the app Deployment to its previous
     ReplicaSet (the image before the last deploy), and the worker to its revision with that same
     image. The database stays as it is: fine unless the last deploy ran migrations the old image
     cannot work with; then use level 3.
  3. data:            `invoicetron k8s rollback data BACKUP` restores a named backup (or `latest`)
     into the environment's database, after taking a safety backup of what is there now, and
     checks every table of the result.
  4. teardown (manual): `kubectl delete namespace invoicetron-<env>` deletes everything,
     volumes included; then remove the tunnel route and the Access application by hand. No
     command does this for you.
"""


@dataclass(frozen=True)
class Revision:
    number: int
    name: str
    image: str | None
    replicas: int


def revisions(
    replica_sets: list[Obj],
    deployment_uid: str | None = None,
    container: str = names.APP_CONTAINER,
) -> list[Revision]:
    """A Deployment's ReplicaSets (the app's, or the worker's), oldest first."""
    found = []
    for rs in replica_sets:
        owners = (rs.get("metadata") or {}).get("ownerReferences") or []
        if deployment_uid and not any(o.get("uid") == deployment_uid for o in owners):
            continue
        annotations = (rs.get("metadata") or {}).get("annotations") or {}
        if REVISION not in annotations:
            continue
        found.append(
            Revision(
                number=int(annotations[REVISION]),
                name=m.name(rs),
                image=m.container_image(rs, container),
                replicas=int((rs.get("status") or {}).get("replicas") or 0),
            )
        )
    return sorted(found, key=lambda revision: revision.number)


def rollback_target(history: list[Revision], to_revision: int | None = None) -> Revision:
    """The revision to return to: the one asked for, or the newest with another image."""
    if len(history) < 2:
        raise ValueError("the Deployment has no earlier revision to return to")
    current = history[-1]
    if to_revision is not None:
        for revision in history:
            if revision.number == to_revision:
                if revision is current:
                    raise ValueError(f"revision {to_revision} is the current one")
                return revision
        numbers = ", ".join(str(r.number) for r in history)
        raise ValueError(f"no revision {to_revision}; the Deployment has {numbers}")
    for revision in reversed(history[:-1]):
        if revision.image != current.image:
            return revision
    return history[-2]


def revision_with_image(history: list[Revision], image: str | None) -> Revision | None:
    """The newest revision running ``image`` (the worker's match for an app rollback), or None."""
    for revision in reversed(history):
        if image and revision.image == image:
            return revision
    return None
