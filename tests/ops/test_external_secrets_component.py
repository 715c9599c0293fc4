"""The external-secrets component follows the store's conventions (issue 16, item 6).

The homelab's ClusterSecretStore serves only namespaces labelled `eso-enabled: "true"`
(spec.conditions[].namespaceSelector); the items and fields are the runbook's.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings
from tests.fixtures.kubectl import KUBECTL

KUBE = Path(__file__).resolve().parents[2] / "deploy" / "kubernetes"


def render_with_external_secrets(environment: str) -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory(prefix="invoicetron-eso-") as scratch:
        base = os.path.relpath(KUBE, scratch)
        (Path(scratch) / "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            f"resources: [{base}/overlays/{environment}/environment]\n"
            f"components: [{base}/components/external-secrets]\n"
        )
        done = subprocess.run(
            [KUBECTL, "kustomize", scratch], capture_output=True, text=True, check=True
        )
    return [o for o in yaml.safe_load_all(done.stdout) if o]


def test_the_namespace_carries_the_label_the_cluster_secret_store_requires() -> None:
    for environment in ("dev", "prod"):
        objects = render_with_external_secrets(environment)
        [namespace] = [o for o in objects if o["kind"] == "Namespace"]
        assert namespace["metadata"]["labels"]["eso-enabled"] == "true", environment


def test_each_environment_reads_the_runbook_item_from_the_configured_store() -> None:
    settings = cluster_settings.load(KUBE)
    for environment, item in (
        ("dev", settings.secret_item("dev")),
        ("prod", settings.secret_item("prod")),
    ):
        objects = render_with_external_secrets(environment)
        for secret, keys in names.SECRET_KEYS.items():
            [external] = [
                o
                for o in objects
                if o["kind"] == "ExternalSecret" and o["metadata"]["name"] == secret
            ]
            assert external["metadata"]["namespace"] == f"invoicetron-{environment}"
            assert external["spec"]["secretStoreRef"] == {
                "kind": "ClusterSecretStore",
                "name": "onepassword",
            }
            assert [
                (d["secretKey"], d["remoteRef"]["key"], d["remoteRef"]["property"])
                for d in external["spec"]["data"]
            ] == [(key, item, key) for key in keys]
