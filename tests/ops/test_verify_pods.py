"""verify counts the pods that serve: a pod still terminating after a rollout is not one of them.

Issue 16, item 8: terminating pods keep phase Running until they exit, so they were counted.
"""

from __future__ import annotations

from invoicetron.ops.k8s import cluster_settings, verify
from invoicetron.ops.k8s import manifests as m
from tests.fixtures.deploy import KUBE

IMAGE = f"{cluster_settings.load(KUBE).image_repository}:2.3.4"
OLD = IMAGE.replace("2.3.4", "2.3.3")


def deployment(container: str) -> m.Obj:
    return {
        "kind": "Deployment",
        "metadata": {"name": "invoicetron" if container == "app" else "invoicetron-worker"},
        "spec": {"template": {"spec": {"containers": [{"name": container, "image": IMAGE}]}}},
    }


def pod(name: str, container: str, image: str, *, terminating: bool = False) -> m.Obj:
    metadata: m.Obj = {"name": name}
    if terminating:
        metadata["deletionTimestamp"] = "2026-12-06T18:00:00Z"
    return {
        "kind": "Pod",
        "metadata": metadata,
        "spec": {"containers": [{"name": container, "image": image}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": container, "ready": True}]},
    }


def test_the_app_check_counts_only_pods_that_are_not_terminating() -> None:
    pods = [pod("new-1", "app", IMAGE), pod("old-1", "app", OLD, terminating=True)]

    check = verify.app_check(deployment("app"), pods, IMAGE)

    assert (check.status, check.reason) == (verify.PASS, f"1 pod(s) ready on {IMAGE}")


def test_the_worker_check_counts_only_pods_that_are_not_terminating() -> None:
    pods = [
        pod("new-1", "worker", IMAGE),
        pod("new-2", "worker", IMAGE),
        pod("old-1", "worker", OLD, terminating=True),
    ]

    check = verify.worker_check(deployment("worker"), pods, IMAGE)

    assert (check.status, check.reason) == (verify.PASS, f"2 pod(s) running {IMAGE}")
