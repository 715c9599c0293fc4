"""bootstrap warns about what is already in the cluster: the tunnel's egress policies and quotas.

Issue 16, item 8: our tunnel egress policy must not be the first egress policy on cloudflared
(Cilium would put it into default deny and cut every tunnel), and a ResourceQuota in the namespace
that is not ours applies as well (lesson 14). The stand-in answers with the homelab's objects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.kubectl import calls, can
from tests.fixtures.processes import cli_environment, run_cli

pytestmark = pytest.mark.slow  # `invoicetron k8s bootstrap` runs as a subprocess

# The homelab's own policy for the tunnel (manifests/cloudflare/networkpolicy.yaml), abridged.
CLOUDFLARED_EGRESS: dict[str, Any] = {
    "apiVersion": "cilium.io/v2",
    "kind": "CiliumNetworkPolicy",
    "metadata": {"name": "cloudflared-egress", "namespace": "cloudflare"},
    "spec": {
        "endpointSelector": {"matchLabels": {"app": "cloudflared"}},
        "egress": [
            {"toCIDRSet": [{"cidr": "0.0.0.0/0"}], "toPorts": [{"ports": [{"port": "443"}]}]}
        ],
    },
}
# An ingress-only policy on the same pods does not make egress default-deny.
INGRESS_ONLY: dict[str, Any] = {
    "apiVersion": "cilium.io/v2",
    "kind": "CiliumNetworkPolicy",
    "metadata": {"name": "cloudflared-metrics", "namespace": "cloudflare"},
    "spec": {
        "endpointSelector": {"matchLabels": {"app": "cloudflared"}},
        "ingress": [{"fromEndpoints": [{}]}],
    },
}
# The homelab's overlays add this quota next to ours (overlays/prod/resourcequota.yaml).
HOMELAB_QUOTA: dict[str, Any] = {
    "apiVersion": "v1",
    "kind": "ResourceQuota",
    "metadata": {"name": "resource-quota", "namespace": "invoicetron-prod"},
    "spec": {
        "hard": {
            "requests.cpu": "1",
            "requests.memory": "2Gi",
            "limits.cpu": "5",
            "limits.memory": "6Gi",
            "pods": "15",
        }
    },
}


def items(*objects: dict[str, Any]) -> dict[str, object]:
    return {"stdout": json.dumps({"apiVersion": "v1", "kind": "List", "items": list(objects)})}


def argvs(standin: Path) -> list[list[str]]:
    return [[str(word) for word in call["argv"]] for call in calls(standin)]  # type: ignore[attr-defined]


def bootstrap(standin: Path, environment: str) -> tuple[int, str, str]:
    done = run_cli(
        "k8s",
        "bootstrap",
        "--env",
        environment,
        "--kubectl",
        str(standin),
        "--secrets",
        "generate",
        "--dry-run",
        env=cli_environment(),
    )
    return done.returncode, done.stdout, done.stderr


def test_bootstrap_warns_when_our_tunnel_policy_would_be_the_first_egress_policy_on_cloudflared(
    standin: Path,
) -> None:
    can(standin, {"get ciliumnetworkpolicies": items(INGRESS_ONLY)})

    status, out, err = bootstrap(standin, "prod")

    assert status == 0, err
    assert (
        "WARNING tunnel egress: no egress policy selects the tunnel's pods "
        "(app=cloudflared in cloudflare) yet" in out
    )
    assert "every route of the tunnel would stop" in out
    listed = [c for c in argvs(standin) if "ciliumnetworkpolicies" in c]
    assert listed and "--namespace=cloudflare" in listed[0]


def test_bootstrap_says_our_policy_adds_to_the_tunnels_existing_egress_policy(
    standin: Path,
) -> None:
    can(standin, {"get ciliumnetworkpolicies": items(CLOUDFLARED_EGRESS, INGRESS_ONLY)})

    status, out, err = bootstrap(standin, "prod")

    assert status == 0, err
    assert "WARNING tunnel egress" not in out
    assert (
        "already have egress policies (CiliumNetworkPolicy cloudflare/cloudflared-egress); "
        "invoicetron-prod.tunnel-egress adds this environment to them" in out
    )


def test_an_environment_without_the_tunnel_component_does_not_look_at_cilium_policies(
    standin: Path,
) -> None:
    status, out, err = bootstrap(standin, "dev")

    assert status == 0, err
    assert "tunnel egress" not in out
    assert not any("ciliumnetworkpolicies" in c for c in argvs(standin))


def test_bootstrap_warns_about_a_quota_not_ours_that_the_deploy_peak_exceeds(standin: Path) -> None:
    ours: dict[str, Any] = {
        **HOMELAB_QUOTA,
        "metadata": {"name": "invoicetron", "namespace": "invoicetron-prod"},
    }
    can(
        standin,
        {
            "get namespace invoicetron-prod": {
                "stdout": json.dumps(
                    {"kind": "Namespace", "metadata": {"name": "invoicetron-prod"}}
                )
            },
            "get resourcequotas": items(HOMELAB_QUOTA, ours),
            "get ciliumnetworkpolicies": items(CLOUDFLARED_EGRESS),
        },
    )

    status, out, err = bootstrap(standin, "prod")

    assert status == 0, err
    [warning] = [line for line in out.splitlines() if line.startswith("WARNING quota")]
    assert "resourcequota/resource-quota in invoicetron-prod is not ours" in warning
    assert "limits.cpu 6500m > 5" in warning
    assert "kubectl delete resourcequota resource-quota -n invoicetron-prod" in warning
    assert "resourcequota/invoicetron" not in out  # ours is sized for the peak already


def test_a_foreign_quota_with_room_for_the_peak_is_only_mentioned(standin: Path) -> None:
    roomy: dict[str, Any] = {**HOMELAB_QUOTA, "spec": {"hard": {"limits.cpu": "20", "pods": "50"}}}
    can(
        standin,
        {
            "get namespace invoicetron-prod": {
                "stdout": json.dumps(
                    {"kind": "Namespace", "metadata": {"name": "invoicetron-prod"}}
                )
            },
            "get resourcequotas": items(roomy),
            "get ciliumnetworkpolicies": items(CLOUDFLARED_EGRESS),
        },
    )

    status, out, err = bootstrap(standin, "prod")

    assert status == 0, err
    assert "WARNING quota" not in out
    assert "resourcequota/resource-quota in invoicetron-prod is not ours; it applies as well" in out
