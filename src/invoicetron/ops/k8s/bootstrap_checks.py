"""What bootstrap warns about before the first deploy: objects in the cluster that ours meet.

- The tunnel's egress policy (components/cilium-tunnel-egress). Cilium policies add up, but the
  first egress policy that selects a pod puts that pod into default deny for all other egress. If
  no policy selected cloudflared before, ours would cut every route of the tunnel, not just ours.
- A ResourceQuota in the namespace that is not ours (the homelab's overlays add `resource-quota`).
  Every quota of a namespace applies: the tightest one decides whether a surge pod fits (lesson 14).
"""

from __future__ import annotations

from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s import quota
from invoicetron.ops.k8s.environments import Environment
from invoicetron.ops.k8s.kubectl import Kubectl, KubectlError
from invoicetron.ops.k8s.manifests import Obj

NAMESPACE_LABEL = "k8s:io.kubernetes.pod.namespace"
TUNNEL_POLICY_KIND = "CiliumClusterwideNetworkPolicy"


def tunnel_policies(rendered: list[Obj]) -> list[tuple[Obj, str, dict[str, str]]]:
    """Our rendered egress policies for the tunnel: (policy, its namespace, its pod labels)."""
    found = []
    for policy in m.find(rendered, TUNNEL_POLICY_KIND):
        spec = policy.get("spec") or {}
        selector = dict((spec.get("endpointSelector") or {}).get("matchLabels") or {})
        namespace = selector.pop(NAMESPACE_LABEL, "")
        if namespace and spec.get("egress"):
            found.append((policy, namespace, selector))
    return found


def selects(policy: Obj, namespace: str, pod_labels: dict[str, str]) -> bool:
    """Does the policy's endpointSelector (matchLabels only) select the tunnel's pods?"""
    selector = (policy.get("spec") or {}).get("endpointSelector") or {}
    labels = {**pod_labels, NAMESPACE_LABEL: namespace}
    if m.kind(policy) == "CiliumNetworkPolicy":
        if m.namespace(policy) not in (None, "", namespace):
            return False
        labels.pop(NAMESPACE_LABEL)
    wanted = selector.get("matchLabels") or {}
    return all(labels.get(key) == value for key, value in wanted.items())


def has_egress(policy: Obj) -> bool:
    spec = policy.get("spec") or {}
    return bool(spec.get("egress") or spec.get("egressDeny"))


def tunnel_warnings(rendered: list[Obj], existing: list[Obj]) -> list[str]:
    """One line per tunnel policy of ours: safe (others select the tunnel already) or a WARNING."""
    lines = []
    for ours, namespace, pod_labels in tunnel_policies(rendered):
        shown = ",".join(f"{k}={v}" for k, v in pod_labels.items()) or "every pod"
        others = [
            f"{m.kind(p)} {'/'.join(filter(None, (m.namespace(p), m.name(p))))}"
            for p in existing
            if m.name(p) != m.name(ours) and has_egress(p) and selects(p, namespace, pod_labels)
        ]
        if others:
            lines.append(
                f"tunnel egress: the tunnel's pods ({shown} in {namespace}) already have egress "
                f"policies ({', '.join(others)}); {m.name(ours)} adds this environment to them"
            )
        else:
            lines.append(
                f"WARNING tunnel egress: no egress policy selects the tunnel's pods ({shown} in "
                f"{namespace}) yet. {m.name(ours)} would be the first, and put them into default "
                "deny for egress: every route of the tunnel would stop, not only Invoicetron's. "
                "Remove components/cilium-tunnel-egress from the overlay (without any policy the "
                "tunnel reaches the app already), or give the tunnel its own egress policy first"
            )
    return lines


def quota_warnings(rendered: list[Obj], live_quotas: list[Obj], namespace: str) -> list[str]:
    """Quotas in the namespace that are not ours, and whether the rollout's peak fits them too."""
    ours = {m.name(q) for q in m.find(rendered, "ResourceQuota")}
    usage = quota.peak(rendered, m.find(rendered, "LimitRange"))
    lines = []
    for live in live_quotas:
        if m.name(live) in ours:
            continue
        overflow = quota.overflows(live, usage)
        if overflow:
            lines.append(
                f"WARNING quota: resourcequota/{m.name(live)} in {namespace} is not ours and "
                "applies as well (every quota of a namespace does; the tightest wins). The busiest "
                f"moment of a deploy would exceed it: {'; '.join(overflow)}. A surge pod would "
                f"not be admitted and the rollout would stall (lesson 14). Raise it, or delete it "
                f"if ours replaces it: kubectl delete resourcequota {m.name(live)} -n {namespace}"
            )
        else:
            lines.append(
                f"quota: resourcequota/{m.name(live)} in {namespace} is not ours; it applies "
                "as well, and the busiest moment of a deploy fits it"
            )
    return lines


def gather(
    kubectl: Kubectl, env: Environment, rendered: list[Obj], namespace_exists: bool
) -> list[str]:
    """Read what the checks need from the cluster; a kind the cluster lacks is no warning."""
    lines = []
    policies = tunnel_policies(rendered)
    if policies:
        existing: list[Obj] = []
        try:
            for tunnel_namespace in sorted({namespace for _, namespace, _ in policies}):
                existing += kubectl.list("ciliumnetworkpolicies", tunnel_namespace)
            existing += (kubectl.json("get", "ciliumclusterwidenetworkpolicies") or {}).get(
                "items", []
            )
        except KubectlError as error:
            lines.append(f"WARNING tunnel egress: could not read the Cilium policies: {error}")
        else:
            lines += tunnel_warnings(rendered, existing)
    if namespace_exists:
        migrate = m.parse(kubectl.kustomize(str(env.migrate_overlay)), str(env.migrate_overlay))
        try:
            live_quotas = kubectl.list("resourcequotas", env.namespace)
        except KubectlError as error:
            lines.append(f"WARNING quota: could not read the namespace's quotas: {error}")
        else:
            lines += quota_warnings(rendered + m.find(migrate, "Job"), live_quotas, env.namespace)
    return lines
