"""The installation the seed runbook made by hand, as the API server would return it.

Built from the runbook's text (steps 3, 4 and 8: manifests/invoicetron/postgresql.yaml,
deployment.yaml, backup-cronjob.yaml) with its names and its `app:` labels, so the kubectl
stand-in can answer as that cluster would.
"""

from __future__ import annotations

from typing import Any

NAMESPACE = "invoicetron-prod"
OLD_IMAGE = "registry.k8s.rommelporras.com/0xwsh/invoicetron:0.9.0"


def meta(name: str, labels: dict[str, str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": NAMESPACE, "labels": labels, **extra}


def statefulset() -> dict[str, Any]:
    labels = {"app": "invoicetron-db"}
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data"},
        "spec": {
            "accessModes": ["ReadWriteOnce"],
            "storageClassName": "longhorn",
            "resources": {"requests": {"storage": "10Gi"}},
            "volumeMode": "Filesystem",
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "StatefulSet",
        "metadata": meta("invoicetron-db", labels),
        "spec": {
            "serviceName": "invoicetron-db",
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {"containers": [{"name": "postgresql", "image": "postgres:18-alpine"}]},
            },
            "volumeClaimTemplates": [claim],
        },
        "status": {"replicas": 1, "readyReplicas": 1},
    }


def deployment() -> dict[str, Any]:
    labels = {"app": "invoicetron"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": meta("invoicetron", labels, uid="runbook-deployment-uid"),
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"labels": labels},
                "spec": {
                    "imagePullSecrets": [{"name": "gitlab-registry"}],
                    "containers": [{"name": "app", "image": OLD_IMAGE}],
                },
            },
        },
    }


def service(name: str, *, headless: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": {"app": name}}
    if headless:
        spec["clusterIP"] = "None"
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": meta(name, {"app": name}),
        "spec": spec,
    }


def claims() -> list[dict[str, Any]]:
    """The database's volume (from volumeClaimTemplates) and the backup CronJob's 2Gi volume."""
    return [
        {
            "kind": "PersistentVolumeClaim",
            "metadata": meta(name, {"app": "invoicetron-db"}),
            "spec": {"resources": {"requests": {"storage": size}}},
            "status": {"phase": "Bound"},
        }
        for name, size in (("data-invoicetron-db-0", "10Gi"), ("invoicetron-backups", "2Gi"))
    ]


def orphaned_replicaset() -> dict[str, Any]:
    """The runbook Deployment's ReplicaSet once the Deployment is deleted with --cascade=orphan."""
    labels = {"app": "invoicetron", "pod-template-hash": "5c9f7d"}
    return {
        "kind": "ReplicaSet",
        "metadata": meta("invoicetron-5c9f7d", labels),
        "spec": {"selector": {"matchLabels": labels}},
    }


def as_list(*items: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "List", "items": list(items)}
