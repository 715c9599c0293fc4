"""Taking over an installation whose workloads select other labels than ours (the runbook's).

A Deployment's or StatefulSet's selector is immutable, so applying ours over the runbook's
(`app: invoicetron`, `app: invoicetron-db`) fails with "field is immutable". Instead each such
object is replaced without touching what it runs:

1. its running pods get our labels too, so our Services and network policies include them while
   both generations run;
2. the object is deleted with ``--cascade=orphan``: its pods keep running and serving, and the
   StatefulSet's volumes are never deleted (no PersistentVolumeClaim is ever deleted here);
3. ours is applied: the new StatefulSet adopts the relabelled pod ``invoicetron-db-0`` (same name,
   matching labels) and rolls it onto our template with the same claim ``data-invoicetron-db-0``;
   the new Deployment starts its own pods;
4. after our rollout, the runbook's orphaned ReplicaSets (and their pods) are deleted.

Services are mutable, but a server-side apply over a hand-applied Service would keep the old
`app:` key next to ours (another field manager owns it), so their selectors are replaced with a
JSON patch instead, after the old pods carry our labels.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.deploy import DeployRefused
from invoicetron.ops.k8s.kubectl import FIELD_MANAGER, Kubectl
from invoicetron.ops.k8s.manifests import Obj

WORKLOADS = ("StatefulSet", "Deployment")


def selector_of(obj: Obj) -> dict[str, str]:
    """The labels a workload's (matchLabels) or a Service's selector asks for."""
    spec = obj.get("spec") or {}
    selector = spec.get("selector") or {}
    if m.kind(obj) == "Service":
        return dict(selector)
    return dict(selector.get("matchLabels") or {})


def as_text(labels: dict[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(labels.items()))


def template_labels(obj: Obj) -> dict[str, str]:
    return dict(
        (((obj.get("spec") or {}).get("template") or {}).get("metadata") or {}).get("labels") or {}
    )


def claim_templates(obj: Obj) -> list[str]:
    return [
        str((t.get("metadata") or {}).get("name"))
        for t in (obj.get("spec") or {}).get("volumeClaimTemplates") or []
    ]


@dataclass(frozen=True)
class Replacement:
    kind: str
    name: str
    old_selector: dict[str, str]
    new_labels: dict[str, str]  # our pod template's labels, added to the running pods
    kept_claims: tuple[str, ...] = ()
    reason: str = ""

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}/{self.name}"


@dataclass(frozen=True)
class Reselection:
    name: str
    old_selector: dict[str, str]
    new_selector: dict[str, str]


@dataclass
class TakeoverPlan:
    replacements: list[Replacement] = field(default_factory=list)
    services: list[Reselection] = field(default_factory=list)
    claim_notes: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.replacements and not self.services

    def of(self, kind: str) -> list[Replacement]:
        return [r for r in self.replacements if r.kind == kind]

    def describe(self) -> list[str]:
        if self.empty:
            return []
        lines = ["take over the existing installation (its selectors are not ours):"]
        lines += [f"  {r.ref}: {r.reason} -> replace it" for r in self.replacements]
        lines += [f"  {note}" for note in self.claim_notes]
        lines += [
            f"  0a. label the running pods of {r.ref} ({as_text(r.old_selector)}) with "
            f"{as_text(r.new_labels)}: Services and network policies see old and new pods"
            for r in self.replacements
        ]
        lines += [
            f"  0b. delete {r.ref} --cascade=orphan (its pods keep running, no volume is deleted); "
            "step 1 recreates it, adopting the pod and its claim"
            for r in self.of("StatefulSet")
        ]
        lines += [
            f"  0c. service/{s.name}: selector {as_text(s.old_selector)} -> "
            f"{as_text(s.new_selector)}"
            for s in self.services
        ]
        lines += [
            f"  4a. before step 4: delete {r.ref} --cascade=orphan (the old pods keep serving); "
            f"after its rollout delete the orphaned ReplicaSets {as_text(r.old_selector)}"
            for r in self.of("Deployment")
        ]
        return lines


def plan_takeover(
    rendered: list[Obj], live: dict[tuple[str, str], Obj | None], claims: list[Obj]
) -> TakeoverPlan:
    """What must be replaced so ``rendered`` can be applied over ``live``; refuses data loss."""
    plan = TakeoverPlan()
    for obj in rendered:
        kind, name = m.kind(obj), m.name(obj)
        current = live.get((kind, name))
        if current is None or kind not in (*WORKLOADS, "Service"):
            continue
        old, new = selector_of(current), selector_of(obj)
        reason = f"selector {as_text(old)} is immutable" if old and old != new else ""
        if kind == "Service":
            if reason:
                plan.services.append(Reselection(name, old, new))
            continue
        if kind == "StatefulSet" and not reason:
            changed = template_changes(current, obj)
            reason = f"volumeClaimTemplates differ ({changed}) and are immutable" if changed else ""
        if not reason:
            continue
        kept: tuple[str, ...] = ()
        if kind == "StatefulSet":
            kept = statefulset_claims(current, obj, claims, plan.claim_notes)
        plan.replacements.append(
            Replacement(kind, name, old or new, template_labels(obj), kept, reason)
        )
    return plan


def template_changes(live: Obj, ours: Obj) -> str:
    """How our volume templates differ from the live ones (the API server fills in defaults)."""

    def described(obj: Obj) -> dict[str, dict[str, object]]:
        found = {}
        for template in (obj.get("spec") or {}).get("volumeClaimTemplates") or []:
            spec = template.get("spec") or {}
            found[str((template.get("metadata") or {}).get("name"))] = {
                "storage class": spec.get("storageClassName"),
                "access modes": ",".join(spec.get("accessModes") or []),
                "size": ((spec.get("resources") or {}).get("requests") or {}).get("storage"),
            }
        return found

    before, after = described(live), described(ours)
    changes = [
        f"{field} {before[t][field]} -> {after[t][field]}"
        for t in before.keys() & after.keys()
        for field in after[t]
        if after[t][field] is not None and before[t][field] != after[t][field]
    ]
    if before.keys() != after.keys():
        changes.append(f"templates {', '.join(before)} -> {', '.join(after)}")
    return "; ".join(sorted(changes))


def statefulset_claims(
    live: Obj, ours: Obj, claims: list[Obj], notes: list[str]
) -> tuple[str, ...]:
    """The live claims our StatefulSet will mount again (same template and set names)."""
    name = m.name(live)
    policy = (live.get("spec") or {}).get("persistentVolumeClaimRetentionPolicy") or {}
    if policy.get("whenDeleted") == "Delete":
        raise DeployRefused(
            f"statefulset/{name} deletes its volumes when it is deleted "
            "(persistentVolumeClaimRetentionPolicy.whenDeleted: Delete): set it to Retain first"
        )
    lost = [n for n in claim_templates(live) if n not in claim_templates(ours)]
    if lost:
        raise DeployRefused(
            f"statefulset/{name}'s volume template {lost[0]!r} is not in the manifests: "
            f"{lost[0]}-{name}-0 would be left behind and the database would start empty; "
            "give the manifests' volumeClaimTemplates the live names"
        )
    kept = []
    for claim in claims:
        claim_name = m.name(claim)
        if any(claim_name.startswith(f"{t}-{name}-") for t in claim_templates(live)):
            size = ((claim.get("spec") or {}).get("resources") or {}).get("requests", {})
            phase = (claim.get("status") or {}).get("phase", "unknown")
            notes.append(f"keep pvc/{claim_name} ({size.get('storage', '?')}, {phase})")
            kept.append(claim_name)
    return tuple(kept)


# -- acting on the plan ----------------------------------------------------------------------------


def prepare(kubectl: Kubectl, plan: TakeoverPlan, namespace: str) -> None:
    """Before the first apply: relabel the old pods, orphan the StatefulSets, reselect Services."""
    for replacement in plan.replacements:
        kubectl.run(
            "label",
            "pods",
            f"--namespace={namespace}",
            f"--selector={as_text(replacement.old_selector)}",
            "--overwrite",
            *(f"{k}={v}" for k, v in sorted(replacement.new_labels.items())),
        )
    for replacement in plan.of("StatefulSet"):
        orphan(kubectl, replacement, namespace)
    for service in plan.services:
        patch = [{"op": "replace", "path": "/spec/selector", "value": service.new_selector}]
        kubectl.run(
            "patch",
            "service",
            service.name,
            f"--namespace={namespace}",
            "--type=json",
            f"--field-manager={FIELD_MANAGER}",
            f"--patch={json.dumps(patch)}",
        )


def orphan(kubectl: Kubectl, replacement: Replacement, namespace: str) -> None:
    kubectl.run(
        "delete",
        replacement.kind.lower(),
        replacement.name,
        f"--namespace={namespace}",
        "--cascade=orphan",
        "--wait=true",
    )


def remove_old_replicasets(kubectl: Kubectl, plan: TakeoverPlan, namespace: str) -> list[str]:
    """After our rollout: the replaced Deployments' ReplicaSets that nothing owns any more."""
    removed = []
    for replacement in plan.of("Deployment"):
        for replicaset in kubectl.list("replicasets", namespace, as_text(replacement.old_selector)):
            if (replicaset.get("metadata") or {}).get("ownerReferences"):
                continue  # owned by our Deployment: never delete
            kubectl.delete("replicaset", m.name(replicaset), namespace)
            removed.append(m.name(replicaset))
    return removed
