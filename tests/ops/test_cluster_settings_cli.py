"""`invoicetron k8s` takes the cluster's facts from the settings file of the manifests it is given.

The homelab's deploy token was gitlab+deploy-token-2, not -1: changing `registry-username` (and the
1Password names) in cluster/settings.yaml is the only edit, and bootstrap follows it.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.fixtures.kubectl import bootstrap

pytestmark = pytest.mark.slow  # `invoicetron k8s bootstrap` runs as a subprocess

MANIFESTS = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"


def manifests_with(tmp_path: Path, **changes: str) -> Path:
    """A copy of deploy/kubernetes whose cluster/settings.yaml has ``changes`` (keys with -)."""
    copy = tmp_path / "kubernetes"
    shutil.copytree(MANIFESTS, copy)
    path = copy / "cluster" / "settings.yaml"
    document = yaml.safe_load(path.read_text())
    document["data"].update({k.replace("_", "-"): v for k, v in changes.items()})
    path.write_text(yaml.safe_dump(document))
    return copy


def test_the_pull_secret_uses_the_registry_and_user_of_the_settings(
    standin: Path,
    tmp_path: Path,
) -> None:
    manifests = manifests_with(
        tmp_path, registry_server="registry.example.test", registry_username="gitlab+deploy-token-2"
    )

    status, _, err = bootstrap(
        standin,
        "--manifests",
        str(manifests),
        "--secrets",
        "generate",
        INVOICETRON_REGISTRY_PASSWORD="deploy-token-value-1234",
    )

    assert status == 0, err
    stored = json.loads((standin.parent / "secrets" / "gitlab-registry").read_text())
    config = json.loads(base64.b64decode(stored["data"][".dockerconfigjson"]))
    assert list(config["auths"]) == ["registry.example.test"]
    assert config["auths"]["registry.example.test"]["username"] == "gitlab+deploy-token-2"


def test_bootstrap_reads_the_1password_names_of_the_settings(
    standin: Path,
    tmp_path: Path,
) -> None:
    manifests = manifests_with(tmp_path, onepassword_vault="Homelab", dev_secret_item="Billing Dev")

    status, out, err = bootstrap(
        standin, "--manifests", str(manifests), "--secrets", "op", "--dry-run"
    )

    assert status == 0, err
    assert "would create secret invoicetron-db from 1Password (op://Homelab/Billing Dev)" in out
