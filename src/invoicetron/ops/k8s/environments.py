"""The two environments, named as in the overlays and the runbook (ops/k8s_names.py).

Their hostnames and 1Password items come from the cluster settings (cluster_settings.py), the file
the overlays read too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s.cluster_settings import ClusterSettings, load

ENVIRONMENTS = tuple(names.NAMESPACES)  # ("dev", "prod")


@dataclass(frozen=True)
class Environment:
    name: str
    namespace: str
    overlay: Path
    internal_url: str
    public_url: str | None
    secret_item: str  # the password manager's item (<env>-secret-item)
    settings: ClusterSettings

    @property
    def migrate_overlay(self) -> Path:
        return self.overlay / "migrate"

    @property
    def urls(self) -> tuple[str, ...]:
        return (self.internal_url, self.public_url) if self.public_url else (self.internal_url,)


def find_manifests(start: Path) -> Path | None:
    """deploy/kubernetes in this directory or the nearest parent (a checkout of the project)."""
    for directory in (start, *start.parents):
        candidate = directory / "deploy" / "kubernetes"
        if (candidate / "overlays").is_dir():
            return candidate
    return None


def environment(name: str, manifests: Path) -> Environment:
    if name not in names.NAMESPACES:
        raise ValueError(f"unknown environment {name!r}: choose one of {', '.join(ENVIRONMENTS)}")
    settings = load(manifests)
    public = settings.public_hostname(name)
    return Environment(
        name=name,
        namespace=names.NAMESPACES[name],
        overlay=manifests / "overlays" / name,
        internal_url=settings.url(name),
        public_url=f"https://{public}" if public else None,
        secret_item=settings.secret_item(name),
        settings=settings,
    )
