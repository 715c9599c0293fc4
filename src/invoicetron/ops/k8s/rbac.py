"""What CI's `gitlab-deploy` Role must grant: exactly what `deploy --app-only` asks kubectl to do.

Each Permission is one API request kind (apiGroup, resource, verb), for one named object when the
request names it (`name`), or for any object (`None`: create, list by label). A Role rule with
`resourceNames` grants only those names; list and watch requests carry a `metadata.name` field
selector (`kubectl rollout status`, `kubectl delete --wait`), so they can be limited by name too.

tests/deploy/test_deploy_role.py records a real `deploy --app-only` run against the kubectl
stand-in, maps every call to its permissions and holds DEPLOY_APP_ONLY equal to them; `doctor`
checks a deployer Role against this list (lesson 15).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s.manifests import Obj


@dataclass(frozen=True, order=True)
class Permission:
    group: str  # "" is the core API group
    resource: str
    verb: str
    name: str | None = None  # None: the request names no object

    def __str__(self) -> str:
        group = self.group or "core"
        return f"{self.verb} {group}/{self.resource}" + (f" {self.name}" if self.name else "")


def _named(group: str, resource: str, name: str, *verbs: str) -> list[Permission]:
    return [Permission(group, resource, verb, name) for verb in verbs]


# kubectl get (existence checks, the live images, the Job's status), apply --server-side (patch: an
# --app-only deploy refuses to run when either Deployment does not exist yet, so never create),
# rollout status (get, then list+watch by name), delete --wait (get, list+watch by name),
# create, logs job/… (get the Job, list+watch its pods, read the log), get pods by label.
DEPLOY_APP_ONLY: tuple[Permission, ...] = tuple(
    sorted(
        {
            *_named("", "secrets", names.PULL_SECRET, "get"),
            *_named("", "secrets", names.APP_SECRET, "get"),
            *_named("apps", "deployments", names.APP_NAME, "get", "list", "watch", "patch"),
            *_named("apps", "deployments", names.WORKER_NAME, "get", "list", "watch", "patch"),
            *_named("apps", "statefulsets", names.DB_NAME, "get", "list", "watch"),
            *_named("batch", "jobs", names.MIGRATE_JOB, "get", "list", "watch", "delete"),
            Permission("batch", "jobs", "create"),
            Permission("", "pods", "list"),
            Permission("", "pods", "watch"),
            Permission("", "pods/log", "get"),
        }
    )
)


def _matches(values: list[str], wanted: str) -> bool:
    return wanted in values or "*" in values


def rule_grants(rule: Obj, permission: Permission) -> bool:
    """Does one Role rule allow this request?"""
    if not (
        _matches(rule.get("apiGroups") or [], permission.group)
        and _matches(rule.get("resources") or [], permission.resource)
        and _matches(rule.get("verbs") or [], permission.verb)
    ):
        return False
    only = rule.get("resourceNames") or []
    return not only or permission.name in only


def missing(rules: list[Obj], needs: Iterable[Permission]) -> list[Permission]:
    """The needed permissions no rule grants."""
    return [need for need in needs if not any(rule_grants(rule, need) for rule in rules)]


def granted(rule: Obj) -> Iterator[Permission]:
    """Every (group, resource, verb[, name]) a rule spells out ("*" stays "*")."""
    for group in rule.get("apiGroups") or []:
        for resource in rule.get("resources") or []:
            for verb in rule.get("verbs") or []:
                for name in rule.get("resourceNames") or [None]:
                    yield Permission(group, resource, verb, name)


def unused(rules: list[Obj], needs: Iterable[Permission]) -> list[Permission]:
    """What the rules grant that no need uses (least privilege): wildcards always count."""
    needs = list(needs)
    exact = set(needs)
    kinds = {(n.group, n.resource, n.verb) for n in needs}
    extra = []
    for rule in rules:
        for grant in granted(rule):
            wanted = exact if grant.name else kinds
            key = grant if grant.name else (grant.group, grant.resource, grant.verb)
            if key not in wanted:
                extra.append(grant)
    return extra


def as_rule(permissions: list[Permission]) -> str:
    """The Role rule that grants ``permissions`` (same group and resource), as flow YAML."""
    first = permissions[0]
    verbs = ", ".join(sorted({p.verb for p in permissions}))
    text = f'{{apiGroups: ["{first.group}"], resources: [{first.resource}], verbs: [{verbs}]'
    named = sorted({p.name for p in permissions if p.name})
    if named and all(p.name for p in permissions):
        text += f", resourceNames: [{', '.join(named)}]"
    return text + "}"


# The runbook's CI (Step 7.3 "deploy: Prisma migration Job + `kubectl set image`", and lesson 15):
# kubectl delete job --ignore-not-found (get, delete), create/apply the Job (create), kubectl wait
# and logs job/… (get, list, watch the Job; list pods by its label; read the log), kubectl set
# image (get, patch the Deployment), kubectl rollout status (get, then list+watch by name). No
# resource names: the runbook's Role names none, and it also works with any Job name CI chooses.
RUNBOOK_DEPLOY: tuple[Permission, ...] = tuple(
    sorted(
        {
            *(Permission("apps", "deployments", v) for v in ("get", "list", "watch", "patch")),
            *(Permission("batch", "jobs", v) for v in ("get", "list", "watch", "create", "delete")),
            Permission("", "pods", "list"),
            Permission("", "pods/log", "get"),
        }
    )
)
