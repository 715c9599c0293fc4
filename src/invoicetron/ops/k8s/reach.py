"""Can one pod open a connection to another, given the network policies in the files? (lesson 16)

Decided the way the two enforcers decide it, from every policy's selectors and rules, never from
policy names:

- Kubernetes NetworkPolicy: a policy applies to the pods its `podSelector` selects in its own
  namespace, for the directions in `policyTypes` (default: Ingress, plus Egress when it has an
  `egress` section). A pod selected for a direction is isolated in it and admits only what some rule
  of those policies allows; a rule with no peers allows every peer, one with no ports every port.
  A peer with only `podSelector` means pods of the policy's namespace; `namespaceSelector` matches
  namespace labels (`kubernetes.io/metadata.name` is always set); `ipBlock` is not taken as a pod.
- Cilium (Cilium)NetworkPolicy: `endpointSelector` selects the endpoints; a non-empty rule section
  (`ingress`/`egress`, or a deny section) makes them enforce that direction, unless
  `enableDefaultDeny` says false for it; rules under `specs:` count one by one. `from/toEndpoints`
  selectors stay in the policy's namespace unless they name one with
  `k8s:io.kubernetes.pod.namespace`; `from/toEntities` `all` and `cluster` cover every pod; a rule
  with only `toPorts` allows every peer on those ports; an empty rule allows nothing; deny wins.

Both directions must allow a connection: the client's egress and the server's ingress.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.manifests import Obj

NAMESPACE_LABEL = "kubernetes.io/metadata.name"
CILIUM_NAMESPACE_KEYS = {"io.kubernetes.pod.namespace"}
CILIUM_NAMESPACE_LABELS = "io.cilium.k8s.namespace.labels."
CILIUM_ANY_POD_ENTITIES = {"all", "cluster"}
POLICY_KINDS = {"NetworkPolicy", "CiliumNetworkPolicy", "CiliumClusterwideNetworkPolicy"}
INGRESS, EGRESS = "ingress", "egress"


@dataclass(frozen=True)
class Pod:
    namespace: str
    labels: dict[str, str]
    ports: dict[str, int] = field(default_factory=dict)  # container port names

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.labels.items()) or "no labels"


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    direction: str = ""  # which side blocks: egress (the client's) or ingress (the server's)
    policies: tuple[str, ...] = ()  # the policies that isolate that side, or the denying ones


def pod_of(obj: Obj) -> Pod | None:
    """The pod a workload runs, with the labels Kubernetes adds to a Job's pods."""
    template = m.pod_template(obj)
    if not template:
        return None
    _, spec, labels = template
    if m.kind(obj) == "Job":
        labels = {"job-name": m.name(obj), "batch.kubernetes.io/job-name": m.name(obj), **labels}
    ports = {
        str(p["name"]): int(p["containerPort"])
        for _, c in m.containers(spec, init=False)
        for p in c.get("ports") or []
        if p.get("name") and p.get("containerPort")
    }
    return Pod(m.namespace(obj) or "default", labels, ports)


def label_selects(selector: Obj, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector; `{}` selects everything."""
    if any(labels.get(k) != str(v) for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = str(expression.get("key", "")), expression.get("operator")
        values = [str(v) for v in expression.get("values") or []]
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def namespace_labels(objects: Iterable[Obj], namespace: str) -> dict[str, str]:
    for obj in objects:
        if m.kind(obj) == "Namespace" and m.name(obj) == namespace:
            return {**m.labels(obj), NAMESPACE_LABEL: namespace}
    return {NAMESPACE_LABEL: namespace}


def cilium_selects(
    selector: Obj, pod: Pod, home: str | None, namespaces: dict[str, dict[str, str]]
) -> bool:
    """A Cilium endpoint selector: `k8s:`/`any:` prefixes, namespace keys, namespace labels.

    ``home`` is the namespace a selector without a namespace key is confined to (None: any).
    """
    pod_labels: dict[str, str] = dict(pod.labels)
    pod_labels["io.kubernetes.pod.namespace"] = pod.namespace
    for key, value in namespaces.get(pod.namespace, {}).items():
        pod_labels[CILIUM_NAMESPACE_LABELS + key] = value

    def bare(key: str) -> str:
        for prefix in ("k8s:", "any:"):
            key = key.removeprefix(prefix)
        return key

    match_labels = {bare(k): v for k, v in (selector.get("matchLabels") or {}).items()}
    expressions = [
        {**e, "key": bare(str(e.get("key", "")))} for e in selector.get("matchExpressions") or []
    ]
    plain = {"matchLabels": match_labels, "matchExpressions": expressions}
    names_namespace = any(k in CILIUM_NAMESPACE_KEYS for k in match_labels) or any(
        e["key"] in CILIUM_NAMESPACE_KEYS for e in expressions
    )
    if home is not None and not names_namespace and pod.namespace != home:
        return False
    return label_selects(plain, pod_labels)


class Policies:
    """The network policies among a set of objects, and what they let through."""

    def __init__(self, objects: list[Obj]) -> None:
        # A Cilium policy may hold several rules under `specs:`; each acts like its own policy.
        self.policies = [
            {**o, "spec": spec}
            for o in objects
            if m.kind(o) in POLICY_KINDS
            for spec in ([o.get("spec") or {}] if "specs" not in o else [])
            + ([o["spec"]] if "specs" in o and o.get("spec") else [])
            + list(o.get("specs") or [])
        ]
        spaces = {m.namespace(o) or "default" for o in objects} | {
            m.name(o) for o in objects if m.kind(o) == "Namespace"
        }
        self.namespaces = {ns: namespace_labels(objects, ns) for ns in spaces}

    def labels_of(self, namespace: str) -> dict[str, str]:
        return self.namespaces.get(namespace) or {NAMESPACE_LABEL: namespace}

    def isolates(self, policy: Obj, pod: Pod, direction: str) -> bool:
        spec = policy.get("spec") or {}
        if m.kind(policy) == "NetworkPolicy":
            types = spec.get("policyTypes") or (
                ["Ingress"] + (["Egress"] if "egress" in spec else [])
            )
            return (
                direction.capitalize() in types
                and (m.namespace(policy) or "default") == pod.namespace
                and label_selects(spec.get("podSelector") or {}, pod.labels)
            )
        if not (spec.get(direction) or spec.get(f"{direction}Deny")):
            return False  # no rules for this direction: the policy leaves it alone
        selector = spec.get("endpointSelector")
        clusterwide = m.kind(policy) == "CiliumClusterwideNetworkPolicy"
        home = None if clusterwide else (m.namespace(policy) or "default")
        return selector is not None and cilium_selects(selector, pod, home, self.namespaces)

    def peer_matches(self, policy: Obj, rule: Obj, direction: str, peer: Pod) -> bool:
        home = m.namespace(policy) or "default"
        if m.kind(policy) == "NetworkPolicy":
            peers = rule.get("from" if direction == INGRESS else "to")
            if not peers:
                return True
            return any(self.network_peer(p, peer, home) for p in peers)
        prefix = "from" if direction == INGRESS else "to"
        l3 = [k for k in rule if k.startswith(prefix) and k != "toPorts"]
        if not l3:
            return "toPorts" in rule  # an L4-only rule allows every peer; an empty one none
        cilium_home = None if m.kind(policy) == "CiliumClusterwideNetworkPolicy" else home
        endpoints = rule.get(f"{prefix}Endpoints") or []
        entities = set(rule.get(f"{prefix}Entities") or [])
        return bool(entities & CILIUM_ANY_POD_ENTITIES) or any(
            cilium_selects(s, peer, cilium_home, self.namespaces) for s in endpoints
        )

    def network_peer(self, spec: Obj, peer: Pod, home: str) -> bool:
        if "ipBlock" in spec:
            return False
        if "namespaceSelector" in spec:
            if not label_selects(spec["namespaceSelector"] or {}, self.labels_of(peer.namespace)):
                return False
        elif peer.namespace != home:
            return False
        return label_selects(spec.get("podSelector") or {}, peer.labels)

    def port_matches(self, policy: Obj, rule: Obj, server: Pod, port: int) -> bool:
        if m.kind(policy) == "NetworkPolicy":
            entries = [
                (p.get("port"), p.get("protocol") or "TCP", p.get("endPort"))
                for p in rule.get("ports") or []
            ]
        else:
            entries = [
                (p.get("port"), p.get("protocol") or "ANY", p.get("endPort"))
                for group in rule.get("toPorts") or []
                for p in group.get("ports") or []
            ]
            if rule.get("toPorts") and not entries:
                return True
        if not entries:
            return True
        for number, protocol, end in entries:
            if str(protocol).upper() not in {"TCP", "ANY"}:
                continue
            if number is None or str(number) == "0":
                return True
            wanted = int(number) if str(number).isdigit() else server.ports.get(str(number))
            if wanted is not None and (wanted == port or (end and wanted <= port <= int(end))):
                return True
        return False

    def rules_allow(
        self, policy: Obj, section: str, direction: str, peer: Pod, server: Pod, port: int
    ) -> bool:
        return any(
            self.peer_matches(policy, rule, direction, peer)
            and self.port_matches(policy, rule, server, port)
            for rule in (policy.get("spec") or {}).get(section) or []
        )

    def verdict(self, client: Pod, server: Pod, port: int) -> Verdict:
        """May ``client`` open a TCP connection to ``server`` on ``port``?"""
        for direction, subject, peer in ((EGRESS, client, server), (INGRESS, server, client)):
            applying = [p for p in self.policies if self.isolates(p, subject, direction)]
            denying = [
                p
                for p in applying
                if m.kind(p) != "NetworkPolicy"
                and self.rules_allow(p, f"{direction}Deny", direction, peer, server, port)
            ]
            if denying:
                return Verdict(False, direction, tuple(m.describe(p) for p in denying))
            # Cilium's enableDefaultDeny.<direction>: false adds allowances without isolating.
            enforcing = [
                p
                for p in applying
                if ((p.get("spec") or {}).get("enableDefaultDeny") or {}).get(direction)
                is not False
            ]
            if enforcing and not any(
                self.rules_allow(p, direction, direction, peer, server, port) for p in applying
            ):
                return Verdict(False, direction, tuple(m.describe(p) for p in enforcing))
        return Verdict(True)
