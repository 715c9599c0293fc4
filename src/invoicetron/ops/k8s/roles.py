"""Lesson 15: a deployer Role judged against the deploy flow its manifests belong to.

Two flows deploy Invoicetron:
- ours, `invoicetron k8s deploy --app-only` (rbac.DEPLOY_APP_ONLY, exact, resource names included);
- the runbook's CI: a migration Job (create, wait, logs, delete) then `kubectl set image` and
  `kubectl rollout status` (rbac.RUNBOOK_DEPLOY).

The manifests are ours when a workload's pods carry our selector label `app.kubernetes.io/name:
invoicetron` (the runbook's and the homelab's use `app: invoicetron` only), or the Role carries it.
Every finding says which flow it was judged against.
"""

from __future__ import annotations

from collections.abc import Iterator

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s import rbac
from invoicetron.ops.k8s.findings import ERROR, WARNING, Context, Finding
from invoicetron.ops.k8s.manifests import Obj

OUR_FLOW = "`invoicetron k8s deploy --app-only` (these manifests carry our labels)"
RUNBOOK_FLOW = (
    "the runbook's CI flow (migration Job, `kubectl set image`, `kubectl rollout status`; "
    f"these manifests do not carry our label {names.NAME_LABEL}: {names.APP_NAME})"
)


def grants(rule: Obj, group: str, resource: str, verb: str) -> bool:
    return rbac.rule_grants(rule, rbac.Permission(group, resource, verb))


def are_ours(context: Context, role: Obj) -> bool:
    return m.labels(role).get(names.NAME_LABEL) == names.APP_NAME or context.ours()


def ci_deployer_names(context: Context) -> set[str]:
    """Roles CI deploys with: named like its ServiceAccount, or bound to it."""
    found = {names.DEPLOY_SERVICE_ACCOUNT}
    for binding in m.find(context.objects, "RoleBinding"):
        subjects = binding.get("subjects") or []
        if any(
            s.get("kind") == "ServiceAccount" and s.get("name") == names.DEPLOY_SERVICE_ACCOUNT
            for s in subjects
        ):
            found.add((binding.get("roleRef") or {}).get("name", ""))
    return found


def by_resource(permissions: list[rbac.Permission]) -> dict[tuple[str, str], list[rbac.Permission]]:
    grouped: dict[tuple[str, str], list[rbac.Permission]] = {}
    for permission in permissions:
        grouped.setdefault((permission.group, permission.resource), []).append(permission)
    return grouped


def update_without_patch(role: Obj, rules: list[Obj], needs: list[rbac.Permission]) -> bool:
    return any(n.verb == "patch" for n in needs) and any(
        grants(r, n.group, n.resource, "update") for r in rules for n in needs
    )


def ci_deployer_findings(role: Obj, rules: list[Obj], ours: bool) -> Iterator[Finding]:
    """CI's Role against its flow: errors for gaps; warnings for extras (our flow only: the
    runbook's Role is the operator's to size, and extras there break nothing)."""
    needs_all = rbac.DEPLOY_APP_ONLY if ours else rbac.RUNBOOK_DEPLOY
    flow = OUR_FLOW if ours else RUNBOOK_FLOW
    for needs in by_resource(rbac.missing(rules, needs_all)).values():
        hint = ""
        if update_without_patch(role, rules, needs):
            hint = " (it grants update, but `kubectl set image` and `apply` send PATCH)"
        yield Finding(
            ERROR,
            15,
            m.describe(role),
            "rules",
            f"CI's deployer role cannot {', '.join(str(n) for n in needs)}{hint}, which {flow} "
            "does: CI's deploy stops with Forbidden",
            f"add {rbac.as_rule(needs)}",
        )
    extra = rbac.unused(rules, rbac.DEPLOY_APP_ONLY) if ours else []
    if extra:
        yield Finding(
            WARNING,
            15,
            m.describe(role),
            "rules",
            f"CI's deployer role grants what {flow} never uses: {', '.join(map(str, extra))}",
            "remove it: the Role should hold exactly what deploy uses",
        )


def deployer_roles(context: Context) -> Iterator[Finding]:
    ci_roles = ci_deployer_names(context)
    for role in [*m.find(context.objects, "Role"), *m.find(context.objects, "ClusterRole")]:
        rules = role.get("rules") or []
        if m.kind(role) == "Role" and m.name(role) in ci_roles:
            yield from ci_deployer_findings(role, rules, are_ours(context, role))
            continue
        deploys = any(
            grants(r, "batch", "jobs", "create")
            or grants(r, "apps", "deployments", "patch")
            or grants(r, "apps", "deployments", "update")
            for r in rules
        )
        if deploys and not any(grants(r, "", "pods/log", "get") for r in rules):
            yield Finding(
                ERROR,
                15,
                m.describe(role),
                "rules",
                "a deployer role without pods/log: a failed migration's logs cannot be read",
                'add {apiGroups: [""], resources: [pods/log], verbs: [get]}',
            )
        if any(grants(r, "apps", "deployments", "update") for r in rules) and not any(
            grants(r, "apps", "deployments", "patch") for r in rules
        ):
            yield Finding(
                ERROR,
                15,
                m.describe(role),
                "rules",
                "a deployer role with update but not patch on deployments: `kubectl set image`, "
                "`kubectl apply` and `kubectl rollout restart` send PATCH, so they are Forbidden",
                'add patch: {apiGroups: ["apps"], resources: [deployments], verbs: [get, patch]}',
            )
