"""Kubernetes objects as plain data: parse YAML, name objects, find pod templates, pin images."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from typing import Any

Obj = dict[str, Any]

# Kinds that live outside any namespace (the rest need one, or they land in `default`: lesson 12).
CLUSTER_SCOPED = {
    "APIService",
    "CiliumClusterwideNetworkPolicy",
    "ClusterIssuer",
    "ClusterRole",
    "ClusterRoleBinding",
    "ClusterSecretStore",
    "CSIDriver",
    "CustomResourceDefinition",
    "GatewayClass",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PriorityClass",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
}
# Kustomize's own files, found when a folder is read file by file.
KUSTOMIZE_KINDS = {"Kustomization", "Component"}


class ManifestError(ValueError):
    pass


def parse(text: str, source: str = "<input>") -> list[Obj]:
    try:
        import yaml
    except ImportError:  # pragma: no cover - PyYAML ships with the dev extra
        raise ManifestError("PyYAML is needed: pip install pyyaml") from None
    try:
        documents = list(yaml.safe_load_all(text))
    except yaml.YAMLError as error:
        raise ManifestError(f"{source}: not valid YAML ({error})") from None
    objects = []
    for document in documents:
        if isinstance(document, dict) and document.get("kind") == "List":
            objects += [item for item in document.get("items", []) if isinstance(item, dict)]
        elif isinstance(document, dict) and document.get("kind"):
            objects.append(document)
    return objects


def dump(objects: list[Obj]) -> str:
    import yaml

    return yaml.safe_dump_all(objects, sort_keys=False)


def kind(obj: Obj) -> str:
    return str(obj.get("kind", ""))


def name(obj: Obj) -> str:
    return str((obj.get("metadata") or {}).get("name", ""))


def namespace(obj: Obj) -> str | None:
    found = (obj.get("metadata") or {}).get("namespace")
    return str(found) if found else None


def labels(obj: Obj) -> dict[str, str]:
    return dict((obj.get("metadata") or {}).get("labels") or {})


def describe(obj: Obj) -> str:
    """Kind/name, with the namespace when there is one: how findings name an object."""
    where = namespace(obj)
    return f"{kind(obj)}/{name(obj)}" + (f" (namespace {where})" if where else "")


def find(objects: list[Obj], kind_: str, name_: str | None = None) -> list[Obj]:
    return [o for o in objects if kind(o) == kind_ and (name_ is None or name(o) == name_)]


def pod_template(obj: Obj) -> tuple[str, Obj, dict[str, str]] | None:
    """(field path, pod spec, pod labels) of a workload, or None for other kinds."""
    spec = obj.get("spec") or {}
    if kind(obj) == "Pod":
        return "spec", spec, labels(obj)
    if kind(obj) == "CronJob":
        template = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}
        path = "spec.jobTemplate.spec.template"
    elif kind(obj) in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}:
        template = spec.get("template") or {}
        path = "spec.template"
    else:
        return None
    pod_labels = dict((template.get("metadata") or {}).get("labels") or {})
    return f"{path}.spec", template.get("spec") or {}, pod_labels


def containers(pod_spec: Obj, *, init: bool = True) -> Iterator[tuple[str, Obj]]:
    """(field, container) for every container, init containers first."""
    groups = ("initContainers", "containers") if init else ("containers",)
    for group in groups:
        for index, container in enumerate(pod_spec.get(group) or []):
            label = container.get("name") or index
            yield f"{group}[{label}]", container


def image_parts(image: str) -> tuple[str | None, str, str | None, str | None]:
    """(registry host or None, repository, tag, digest) of an image reference."""
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    tag = None
    last = image.rsplit("/", 1)[-1]
    if ":" in last:
        image, tag = image.rsplit(":", 1)
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return first, rest, tag, digest
    return None, image, tag, digest


def repository(image: str) -> str:
    host, repo, _, _ = image_parts(image)
    return f"{host}/{repo}" if host else repo


IMAGE_REFERENCE = re.compile(
    r"^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)*"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$"
)


def pin_image(objects: list[Obj], image: str, containers_named: set[str]) -> tuple[list[Obj], int]:
    """A copy with ``image`` in every container of that name (app, migrate); and how many."""
    pinned = copy.deepcopy(objects)
    changed = 0
    for obj in pinned:
        template = pod_template(obj)
        if template is None:
            continue
        for _, container in containers(template[1], init=False):
            if container.get("name") in containers_named:
                container["image"] = image
                changed += 1
    return pinned, changed


def container_image(obj: Obj | None, container_name: str) -> str | None:
    if obj is None:
        return None
    template = pod_template(obj)
    if template is None:
        return None
    for _, container in containers(template[1], init=False):
        if container.get("name") == container_name:
            return str(container.get("image"))
    return None
