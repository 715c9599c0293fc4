"""`doctor`'s rules: every lesson of the manual deployment that shows in manifests.

Each rule is a function from the objects (and what is known about the cluster) to findings that
name the object, the field and the fix. Errors fail `doctor`; warnings are printed only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import deploy, quota, rbac
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.manifests import Obj

ERROR, WARNING = "error", "warning"
BUILTIN_NAMESPACES = {"default", "kube-system", "kube-public", "kube-node-lease"}
PUBLIC_REGISTRIES = {
    None,
    "docker.io",
    "index.docker.io",
    "registry-1.docker.io",
    "registry.k8s.io",
    "gcr.io",
    "k8s.gcr.io",
    "quay.io",
    "public.ecr.aws",
    "mcr.microsoft.com",
    "ghcr.io",
}
RESTRICTED_VOLUMES = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
    "name",
}
NAMESPACE_KEYS = {"k8s:io.kubernetes.pod.namespace", "io.kubernetes.pod.namespace"}
DB_ENV = {"DATABASE_URL", "PGHOST"}


@dataclass(frozen=True)
class Finding:
    severity: str
    lesson: int
    obj: str
    field: str
    message: str
    fix: str


@dataclass
class Context:
    objects: list[Obj]
    known_namespaces: set[str] = field(default_factory=set)
    cluster_checked: bool = False  # known_namespaces is the cluster's full list

    def namespaces(self) -> set[str]:
        defined = {m.name(o) for o in m.find(self.objects, "Namespace")}
        used = {ns for o in self.objects if (ns := m.namespace(o))}
        return defined | used | BUILTIN_NAMESPACES | self.known_namespaces

    def workloads(self) -> Iterator[tuple[Obj, str, Obj, dict[str, str]]]:
        for obj in self.objects:
            template = m.pod_template(obj)
            if template:
                yield obj, template[0], template[1], template[2]


Rule = Callable[[Context], Iterator[Finding]]


def is_our_image(image: str) -> bool:
    return m.image_parts(image)[1].rsplit("/", 1)[-1] == names.APP_NAME


def postgres_major(image: str) -> int | None:
    _, repo, tag, _ = m.image_parts(image)
    if not re.search(r"(^|/)postgres(ql)?$", repo):
        return None
    found = re.match(r"(\d+)", tag or "")
    return int(found.group(1)) if found else 99  # no tag: latest, newer than 18


def pg_data_mount(context: Context) -> Iterator[Finding]:
    for obj, path, spec, _ in context.workloads():
        for where, container in m.containers(spec, init=False):
            major = postgres_major(str(container.get("image", "")))
            if major is None or major < 18:
                continue
            for mount in container.get("volumeMounts") or []:
                if str(mount.get("mountPath", "")).rstrip("/").endswith("/postgresql/data"):
                    yield Finding(
                        ERROR,
                        3,
                        m.describe(obj),
                        f"{path}.{where}.volumeMounts[{mount.get('name')}].mountPath",
                        f"PostgreSQL {major} creates its data directory itself; a volume at "
                        f"{mount['mountPath']} makes it crash-loop",
                        "mount the volume at /var/lib/postgresql (the parent)",
                    )


def secret_keys(context: Context) -> dict[str, set[str]]:
    found = {name: set(keys) for name, keys in names.SECRET_KEYS.items()}
    for secret in m.find(context.objects, "Secret"):
        found[m.name(secret)] = set(secret.get("data") or {}) | set(secret.get("stringData") or {})
    return found


def envfrom_hyphens(context: Context) -> Iterator[Finding]:
    keys = secret_keys(context)
    for obj, path, spec, _ in context.workloads():
        for where, container in m.containers(spec):
            for index, source in enumerate(container.get("envFrom") or []):
                secret = (source.get("secretRef") or {}).get("name")
                bad = sorted(
                    k
                    for k in keys.get(str(secret), set())
                    if not re.match(r"^[A-Z_][A-Z0-9_]*$", k)
                )
                if secret and bad:
                    yield Finding(
                        ERROR,
                        2,
                        m.describe(obj),
                        f"{path}.{where}.envFrom[{index}]",
                        f"secret {secret} has keys {', '.join(bad)}, which envFrom injects under "
                        "those names (DATABASE_URL never appears)",
                        "use env: - name: DATABASE_URL, valueFrom.secretKeyRef {name, key} per key",
                    )


def pull_secrets(context: Context) -> Iterator[Finding]:
    accounts = {
        m.name(sa): bool(sa.get("imagePullSecrets"))
        for sa in m.find(context.objects, "ServiceAccount")
    }
    for obj, path, spec, _ in context.workloads():
        if spec.get("imagePullSecrets") or accounts.get(spec.get("serviceAccountName", "")):
            continue
        for where, container in m.containers(spec):
            host = m.image_parts(str(container.get("image", "")))[0]
            if host not in PUBLIC_REGISTRIES:
                yield Finding(
                    ERROR,
                    1,
                    m.describe(obj),
                    f"{path}.imagePullSecrets",
                    f"{where} pulls from the private registry {host} without a pull secret "
                    "(image pulls fail with 401)",
                    f"add imagePullSecrets: [{{name: {names.PULL_SECRET}}}] to the pod spec",
                )
                break


def image_tags(context: Context) -> Iterator[Finding]:
    for obj, path, spec, _ in context.workloads():
        for where, container in m.containers(spec):
            image = str(container.get("image", ""))
            problem = deploy.image_problem(image)
            if problem and "has no registry" not in problem:
                yield Finding(
                    ERROR,
                    11,
                    m.describe(obj),
                    f"{path}.{where}.image",
                    problem,
                    "pin a real tag or digest (in an overlay: images: [{name, newName, newTag}])",
                )


def namespaces_set(context: Context) -> Iterator[Finding]:
    for obj in context.objects:
        annotations = (obj.get("metadata") or {}).get("annotations") or {}
        local = annotations.get("config.kubernetes.io/local-config") == "true"
        if m.kind(obj) in m.CLUSTER_SCOPED or m.kind(obj) in m.KUSTOMIZE_KINDS or local:
            continue
        if not m.namespace(obj):
            yield Finding(
                ERROR,
                12,
                m.describe(obj),
                "metadata.namespace",
                "no namespace: applied without -n it lands in `default`",
                "set the namespace once for every object (kustomization `namespace:`)",
            )


def namespace_references(obj: Obj) -> Iterator[tuple[str, str]]:
    """(field, namespace) for every namespace a network policy names."""

    def walk(node: object, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(node, dict):
            for key, value in node.items():
                here = f"{path}.{key}" if path else str(key)
                if key in NAMESPACE_KEYS and isinstance(value, str):
                    yield here, value
                elif key == "namespaceSelector" and isinstance(value, dict):
                    named = (value.get("matchLabels") or {}).get("kubernetes.io/metadata.name")
                    if named:
                        yield f"{here}.matchLabels", str(named)
                else:
                    yield from walk(value, here)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                yield from walk(item, f"{path}[{index}]")

    yield from walk(obj.get("spec") or {}, "spec")


def policy_namespaces(context: Context) -> Iterator[Finding]:
    known = context.namespaces()
    for obj in context.objects:
        if "NetworkPolicy" not in m.kind(obj):
            continue
        for where, namespace in namespace_references(obj):
            if namespace in known:
                continue
            near = sorted(
                k for k in known if k.startswith(f"{namespace}-") or namespace.startswith(f"{k}-")
            )
            if near or context.cluster_checked:
                hint = f"did you mean {' or '.join(near)}? " if near else ""
                yield Finding(
                    ERROR,
                    7,
                    m.describe(obj),
                    where,
                    f"names namespace {namespace}, which does not exist; {hint}policies match "
                    "namespace names exactly (a miss is a silent deny: 502s)",
                    "use the exact namespace, filled from one value (Kustomize replacements)",
                )
            else:
                yield Finding(
                    WARNING,
                    7,
                    m.describe(obj),
                    where,
                    f"names namespace {namespace}, which these manifests do not define",
                    "check it exists: `invoicetron k8s doctor --context …` asks the cluster",
                )


def liveness_paths(context: Context) -> Iterator[Finding]:
    for obj, path, spec, _ in context.workloads():
        for where, container in m.containers(spec, init=False):
            live = ((container.get("livenessProbe") or {}).get("httpGet") or {}).get("path")
            ready = ((container.get("readinessProbe") or {}).get("httpGet") or {}).get("path")
            ours = is_our_image(str(container.get("image", "")))
            if live and ((ours and live != names.LIVENESS_PATH) or (not ours and live == ready)):
                yield Finding(
                    ERROR,
                    17,
                    m.describe(obj),
                    f"{path}.{where}.livenessProbe.httpGet.path",
                    f"liveness probes {live}, which depends on the database: an outage would "
                    "restart every pod",
                    f"probe {names.LIVENESS_PATH} for liveness and {names.READINESS_PATH} for "
                    "readiness",
                )


def restricted_volumes(context: Context) -> Iterator[Finding]:
    restricted = {
        m.name(ns)
        for ns in m.find(context.objects, "Namespace")
        if m.labels(ns).get("pod-security.kubernetes.io/enforce") == "restricted"
    }
    for obj, path, spec, _ in context.workloads():
        if m.namespace(obj) not in restricted:
            continue
        for volume in spec.get("volumes") or []:
            kinds = sorted(set(volume) - RESTRICTED_VOLUMES)
            if kinds:
                yield Finding(
                    ERROR,
                    19,
                    m.describe(obj),
                    f"{path}.volumes[{volume.get('name')}]",
                    f"a {kinds[0]} volume is forbidden in namespace {m.namespace(obj)}, which "
                    'enforces Pod Security "restricted": the pods are never created',
                    "use a PersistentVolumeClaim (an NFS PersistentVolume behind it is fine)",
                )


def grants(rule: Obj, group: str, resource: str, verb: str) -> bool:
    return (
        (group in rule.get("apiGroups", []) or "*" in rule.get("apiGroups", []))
        and (resource in rule.get("resources", []) or "*" in rule.get("resources", []))
        and (verb in rule.get("verbs", []) or "*" in rule.get("verbs", []))
    )


def ci_deployer_names(context: Context) -> set[str]:
    """Roles CI deploys with: named like its ServiceAccount, or bound to it."""
    found = {names.DEPLOY_SERVICE_ACCOUNT}
    for binding in [*m.find(context.objects, "RoleBinding")]:
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


def ci_deployer_findings(role: Obj, rules: list[Obj]) -> Iterator[Finding]:
    """CI's Role against what `deploy --app-only` does: errors for gaps, warnings for extras."""
    for needs in by_resource(rbac.missing(rules, rbac.DEPLOY_APP_ONLY)).values():
        yield Finding(
            ERROR,
            15,
            m.describe(role),
            "rules",
            f"CI's deployer role cannot {', '.join(str(n) for n in needs)}, which "
            f"`invoicetron k8s deploy --app-only` does: CI's deploy stops with Forbidden",
            f"add {rbac.as_rule(needs)}",
        )
    extra = rbac.unused(rules, rbac.DEPLOY_APP_ONLY)
    if extra:
        yield Finding(
            WARNING,
            15,
            m.describe(role),
            "rules",
            f"CI's deployer role grants what deploy never uses: {', '.join(map(str, extra))}",
            "remove it: the Role should hold exactly what deploy uses",
        )


def deployer_roles(context: Context) -> Iterator[Finding]:
    ci_roles = ci_deployer_names(context)
    for role in [*m.find(context.objects, "Role"), *m.find(context.objects, "ClusterRole")]:
        rules = role.get("rules") or []
        if m.kind(role) == "Role" and m.name(role) in ci_roles:
            yield from ci_deployer_findings(role, rules)
            continue
        deploys = any(
            grants(r, "batch", "jobs", "create") or grants(r, "apps", "deployments", "patch")
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


def quota_surge(context: Context) -> Iterator[Finding]:
    for resource_quota in m.find(context.objects, "ResourceQuota"):
        namespace = m.namespace(resource_quota)
        members = [o for o in context.objects if m.namespace(o) == namespace]
        usage = quota.peak(members, m.find(members, "LimitRange"))
        problems = quota.overflows(resource_quota, usage)
        if problems:
            yield Finding(
                ERROR,
                14,
                m.describe(resource_quota),
                "spec.hard",
                "a rollout's surge pod does not fit next to everything else: "
                + ", ".join(problems),
                "raise the quota, or lower maxSurge/requests (replicas + maxSurge must fit)",
            )


def selects(selector: Obj | None, pod_labels: dict[str, str]) -> bool:
    """Kubernetes label-selector matching; Cilium's `k8s:` prefixes and namespace keys aside."""
    if selector is None:
        return False
    wanted = {
        k.removeprefix("k8s:"): str(v)
        for k, v in (selector.get("matchLabels") or {}).items()
        if k not in NAMESPACE_KEYS
    }
    if any(pod_labels.get(k) != v for k, v in wanted.items()):
        return False
    for expression in selector.get("matchExpressions") or []:
        key, values = (
            str(expression.get("key", "")).removeprefix("k8s:"),
            expression.get("values") or [],
        )
        operator = expression.get("operator")
        if (operator == "In" and pod_labels.get(key) not in values) or (
            operator == "NotIn" and pod_labels.get(key) in values
        ):
            return False
        if (operator == "Exists") != (key in pod_labels) and operator in {"Exists", "DoesNotExist"}:
            return False
    return True


def admitted_peers(policy: Obj) -> list[Obj | None]:
    """The pod selectors a policy's ingress admits; [None] stands for "everyone"."""
    spec = policy.get("spec") or {}
    peers: list[Obj | None] = []
    for rule in spec.get("ingress") or []:
        if m.kind(policy) == "NetworkPolicy":
            sources = rule.get("from")
            if not sources:
                return [None]
            peers += [p.get("podSelector") for p in sources if "podSelector" in p]
        else:
            peers += rule.get("fromEndpoints") or []
    return peers


def db_clients(context: Context) -> Iterator[Finding]:
    database_pods = [labels for obj, _, spec, labels in context.workloads() if is_database(spec)]
    policies = [
        p
        for p in context.objects
        if m.kind(p) in {"NetworkPolicy", "CiliumNetworkPolicy"}
        and any(selects(policy_target(p), labels) for labels in database_pods)
    ]
    for policy in policies:
        peers = admitted_peers(policy)
        if None in peers:
            continue
        for obj, path, spec, pod_labels in context.workloads():
            if is_database(spec) or not uses_database(spec):
                continue
            if not any(selects(peer, pod_labels) for peer in peers):
                yield Finding(
                    ERROR,
                    16,
                    m.describe(obj),
                    f"{path.removesuffix('.spec')}.metadata.labels",
                    f"connects to the database, but {m.describe(policy)} admits no pod with "
                    f"its labels ({', '.join(f'{k}={v}' for k, v in pod_labels.items())})",
                    f"label the pods as the policy expects (e.g. {names.COMPONENT_LABEL}: one of "
                    f"{', '.join(names.DB_CLIENTS)})",
                )


def policy_target(policy: Obj) -> Obj | None:
    spec = policy.get("spec") or {}
    target: Obj | None = spec.get("podSelector") or spec.get("endpointSelector")
    return target


def is_database(spec: Obj) -> bool:
    """A pod running the PostgreSQL server (not a client such as a backup job in its image)."""
    return not uses_database(spec) and any(
        postgres_major(str(c.get("image", ""))) is not None and not c.get("command")
        for _, c in m.containers(spec, init=False)
    )


def uses_database(spec: Obj) -> bool:
    return any(
        env.get("name") in DB_ENV for _, c in m.containers(spec) for env in c.get("env") or []
    )


RULES: tuple[Rule, ...] = (
    pg_data_mount,
    envfrom_hyphens,
    pull_secrets,
    image_tags,
    namespaces_set,
    policy_namespaces,
    liveness_paths,
    restricted_volumes,
    deployer_roles,
    quota_surge,
    db_clients,
)


def lint(context: Context) -> list[Finding]:
    return [finding for rule in RULES for finding in rule(context)]
