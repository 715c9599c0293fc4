"""What `doctor`'s rules work on (a Context) and what they report (Findings).

Its own module so that rule modules (lint, roles) can share them without importing each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.manifests import Obj

ERROR, WARNING = "error", "warning"
BUILTIN_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease"}


@dataclass(frozen=True)
class Finding:
    severity: str
    lesson: int
    obj: str
    field: str
    message: str
    fix: str


@dataclass
class Context:
    objects: list[Obj]
    known_namespaces: set[str] = field(default_factory=set)
    cluster_checked: bool = False  # known_namespaces is the cluster's full list
    # labels of namespaces read from the cluster (`--context`), for those the files do not define
    cluster_namespace_labels: dict[str, dict[str, str]] = field(default_factory=dict)

    def namespace_labels(self, namespace: str) -> dict[str, str] | None:
        """A namespace's labels from the files, else from the cluster; None when unknown."""
        for obj in m.find(self.objects, "Namespace"):
            if m.name(obj) == namespace:
                return m.labels(obj)
        return self.cluster_namespace_labels.get(namespace)

    def ours(self) -> bool:
        """Are these Invoicetron's own manifests? Our pods carry `app.kubernetes.io/name:
        invoicetron`; the runbook's (and the homelab's) select on `app:` only."""
        return any(
            labels.get(names.NAME_LABEL) == names.APP_NAME for _, _, _, labels in self.workloads()
        )

    def namespaces(self) -> set[str]:
        defined = {m.name(o) for o in m.find(self.objects, "Namespace")}
        used = {ns for o in self.objects if (ns := m.namespace(o))}
        return defined | used | BUILTIN_NAMESPACES | self.known_namespaces

    def workloads(self) -> Iterator[tuple[Obj, str, Obj, dict[str, str]]]:
        for obj in self.objects:
            template = m.pod_template(obj)
            if template:
                yield obj, template[0], template[1], template[2]
