"""The cluster settings (deploy/kubernetes/cluster/settings.yaml) as the operations CLI reads them.

The overlays copy these values into the manifests (Kustomize replacements); the CLI reads the same
file, so the hostnames `deploy --ready-url` and `verify` ask, the registry and deploy-token user of
the pull secret and the 1Password names of `bootstrap` are written once. CI reads it too:
`python -m invoicetron.ops.k8s.cluster_settings url ENV` prints the environment's URL for the
pipeline's `environment: url:`. tests/deploy/test_settings_written_once.py fails when a value of the
file is written anywhere else in the repository.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

SETTINGS_FILE = Path("cluster") / "settings.yaml"


class SettingsError(ValueError):
    """The settings file is missing, malformed or lacks a key: the message says which."""


@dataclass(frozen=True, eq=False)
class ClusterSettings:
    data: Mapping[str, str]
    source: Path

    def value(self, key: str) -> str:
        found = self.optional(key)
        if not found:
            raise SettingsError(f"{self.source}: data.{key} is missing or empty; set it there")
        return found

    def optional(self, key: str) -> str | None:
        return self.data.get(key) or None

    @property
    def registry_server(self) -> str:
        return self.value("registry-server")

    @property
    def registry_username(self) -> str:
        return self.value("registry-username")

    @property
    def image_repository(self) -> str:
        return f"{self.registry_server}/{self.value('image-path')}"

    @property
    def onepassword_vault(self) -> str:
        return self.value("onepassword-vault")

    @property
    def registry_token_item(self) -> str:
        return self.value("registry-token-item")

    def hostname(self, environment: str) -> str:
        return self.value(f"{environment}-hostname")

    def public_hostname(self, environment: str) -> str | None:
        """The hostname served through the Cloudflare tunnel, if the environment has one."""
        return self.optional(f"{environment}-public-hostname")

    def secret_item(self, environment: str) -> str:
        return self.value(f"{environment}-secret-item")

    def url(self, environment: str) -> str:
        """The environment's internal URL: where deploy and verify ask, and CI's environment URL."""
        return f"https://{self.hostname(environment)}"


def load(manifests: Path) -> ClusterSettings:
    """The settings of the deploy/kubernetes folder ``manifests``."""
    path = manifests / SETTINGS_FILE
    try:
        document = yaml.safe_load(path.read_text())
    except OSError as error:
        raise SettingsError(f"cannot read the cluster settings {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise SettingsError(f"{path} is not valid YAML: {error}") from None
    data = (document or {}).get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise SettingsError(f"{path} has no data: mapping (a ConfigMap named cluster-settings)")
    return ClusterSettings({str(k): "" if v is None else str(v) for k, v in data.items()}, path)


def main(argv: list[str]) -> int:
    """`url ENV [MANIFESTS]`: the environment's URL, for CI (it cannot read YAML by itself)."""
    if len(argv) not in (2, 3) or argv[0] != "url":
        print("usage: python -m invoicetron.ops.k8s.cluster_settings url ENV [MANIFESTS]")
        return 2
    manifests = Path(argv[2]) if len(argv) == 3 else Path("deploy") / "kubernetes"
    try:
        print(load(manifests).url(argv[1]))
    except SettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
