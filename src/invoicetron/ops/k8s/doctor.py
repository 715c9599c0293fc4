"""`doctor [PATH…]`: read manifests from files, folders or Kustomize directories and lint them.

A directory with a kustomization.yaml is rendered with `kubectl kustomize` (together with its
`migrate/` overlay when it has one, since deploy runs both); any other directory is read file by
file. With no path, Invoicetron's own overlays are linted.
"""

from __future__ import annotations

from pathlib import Path

from invoicetron.ops.k8s import lint
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.kubectl import Kubectl
from invoicetron.ops.k8s.manifests import Obj

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SETTINGS_NAMESPACE_KEYS = ("gateway-namespace", "tunnel-namespace", "monitoring-namespace")


def is_kustomization(path: Path) -> bool:
    return path.is_dir() and any((path / name).is_file() for name in KUSTOMIZATION_FILES)


def load(path: Path, kubectl: Kubectl) -> list[Obj]:
    if is_kustomization(path):
        objects = m.parse(kubectl.kustomize(str(path)), str(path))
        if is_kustomization(path / "migrate"):
            seen = {(m.kind(o), m.namespace(o), m.name(o)) for o in objects}
            extra = m.parse(kubectl.kustomize(str(path / "migrate")), str(path / "migrate"))
            objects += [o for o in extra if (m.kind(o), m.namespace(o), m.name(o)) not in seen]
        return objects
    if path.is_dir():
        files = sorted([*path.rglob("*.yaml"), *path.rglob("*.yml")])
        return [
            obj
            for file in files
            for obj in m.parse(file.read_text(), str(file))
            if m.kind(obj) not in m.KUSTOMIZE_KINDS
        ]
    if path.is_file():
        return m.parse(path.read_text(), str(path))
    raise m.ManifestError(f"{path} does not exist")


def settings_namespaces(path: Path) -> set[str]:
    """Namespaces named in a cluster/settings.yaml above ``path`` exist by definition there."""
    for directory in (path, *path.resolve().parents):
        settings = directory / "cluster" / "settings.yaml"
        if settings.is_file():
            data: dict[str, str] = {}
            for obj in m.parse(settings.read_text(), str(settings)):
                data.update(obj.get("data") or {})
            return {data[key] for key in SETTINGS_NAMESPACE_KEYS if data.get(key)}
    return set()


def default_paths(manifests: Path) -> list[Path]:
    overlays = manifests / "overlays"
    return sorted(p for p in overlays.iterdir() if is_kustomization(p)) if overlays.is_dir() else []


def diagnose(
    paths: list[Path],
    kubectl: Kubectl,
    cluster_namespaces: set[str] | dict[str, dict[str, str]] | None = None,
) -> dict[Path, list[lint.Finding]]:
    """Findings per path; each path (an overlay, a folder) is linted as one set of objects.

    ``cluster_namespaces`` is what `--context` read from the cluster: the namespace names, or
    each name with its labels (the Pod Security level of namespaces the files do not define).
    """
    results = {}
    labels = cluster_namespaces if isinstance(cluster_namespaces, dict) else {}
    for path in paths:
        context = lint.Context(
            objects=load(path, kubectl),
            known_namespaces=set(cluster_namespaces or ()) | settings_namespaces(path),
            cluster_checked=cluster_namespaces is not None,
            cluster_namespace_labels=labels,
        )
        results[path] = lint.lint(context)
    return results


def cluster_namespaces(kubectl: Kubectl) -> dict[str, dict[str, str]]:
    """Every namespace of the cluster `--context` names, with its labels."""
    return {
        str(ns["metadata"]["name"]): dict(ns["metadata"].get("labels") or {})
        for ns in kubectl.list("namespaces", "default")
    }


def format_findings(path: Path, findings: list[lint.Finding], objects_ok: bool = True) -> str:
    if not findings:
        return f"{path}: no problems found"
    lines = [f"{path}:"]
    for finding in findings:
        lines += [
            f"  {finding.severity.upper()} (lesson {finding.lesson}) {finding.obj}",
            f"    field: {finding.field}",
            f"    {finding.message}",
            f"    fix: {finding.fix}",
        ]
    errors = sum(1 for f in findings if f.severity == lint.ERROR)
    lines.append(f"  {errors} error(s), {len(findings) - errors} warning(s)")
    return "\n".join(lines)
