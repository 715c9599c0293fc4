"""`doctor`'s rules: every lesson of the manual deployment that shows in manifests.

Each rule is a function from the objects (and what is known about the cluster) to findings that
name the object, the field and the fix. Errors fail `doctor`; warnings are printed only.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings, deploy, quota, reach, roles, secret_refs
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.environments import find_manifests
from invoicetron.ops.k8s.findings import (  # re-exported: doctor and its tests read them here
    BUILTIN_NAMESPACES,
    ERROR,
    WARNING,
    Context,
    Finding,
)
from invoicetron.ops.k8s.manifests import Obj

__all__ = ["BUILTIN_NAMESPACES", "ERROR", "WARNING", "Context", "Finding", "lint"]
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
    "mirror.gcr.io",  # Google's public Docker Hub mirror
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
    """Lesson 1: every image from a private registry needs a pull secret. Private means neither a
    known public registry nor Docker Hub: the configured registry or any other."""
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
                    f"add imagePullSecrets: [{{name: {names.PULL_SECRET}}}] to the pod spec"
                    if host == configured_registry()
                    else f"create a pull secret for {host} (kubectl create secret "
                    "docker-registry) and name it "
                    "in imagePullSecrets",
                )
                break


@functools.cache
def configured_registry() -> str | None:
    """The registry of cluster/settings.yaml, where this checkout has one (an installed package
    does not): its images are pulled with the pull secret `bootstrap` creates."""
    manifests = find_manifests(Path(__file__).resolve().parent)
    try:
        return cluster_settings.load(manifests).registry_server if manifests else None
    except cluster_settings.SettingsError:
        return None


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
    """Ours: liveness must be /api/health (no database). Another app's: we cannot know whether its
    path touches the database (the runbook's Next.js app does not say), so one path for both
    probes is a warning, not an error."""
    for obj, path, spec, _ in context.workloads():
        for where, container in m.containers(spec, init=False):
            live = ((container.get("livenessProbe") or {}).get("httpGet") or {}).get("path")
            ready = ((container.get("readinessProbe") or {}).get("httpGet") or {}).get("path")
            field_ = f"{path}.{where}.livenessProbe.httpGet.path"
            fix = (
                f"probe {names.LIVENESS_PATH} for liveness and {names.READINESS_PATH} for readiness"
            )
            if live and is_our_image(str(container.get("image", ""))):
                if live != names.LIVENESS_PATH:
                    yield Finding(
                        ERROR,
                        17,
                        m.describe(obj),
                        field_,
                        f"liveness probes {live}, which depends on the database: an outage "
                        "would restart every pod",
                        fix,
                    )
            elif live and live == ready:
                yield Finding(
                    WARNING,
                    17,
                    m.describe(obj),
                    field_,
                    f"liveness and readiness both probe {live}: if it touches the database, an "
                    "outage restarts every pod instead of only taking them out of the Service",
                    "give liveness its own path that answers without the database (as "
                    f"Invoicetron does: {fix.removeprefix('probe ')})",
                )


def restricted_volumes(context: Context) -> Iterator[Finding]:
    """Lesson 19: inline volumes other than the restricted set in a namespace enforcing
    "restricted" (and hostPath under "baseline", which forbids it too). The label comes from the
    files, else from the cluster (`--context`); unknown and an inline NFS/hostPath volume: a
    warning that says how to find out."""
    for obj, path, spec, _ in context.workloads():
        namespace = m.namespace(obj) or "default"
        labels = context.namespace_labels(namespace)
        enforce = None if labels is None else labels.get("pod-security.kubernetes.io/enforce")
        for volume in spec.get("volumes") or []:
            kinds = sorted(set(volume) - RESTRICTED_VOLUMES)
            if not kinds:
                continue
            where = f"{path}.volumes[{volume.get('name')}]"
            level = enforce if enforce == "restricted" else None
            if enforce == "baseline" and "hostPath" in kinds:
                kinds, level = ["hostPath"], "baseline"
            if level:
                yield Finding(
                    ERROR,
                    19,
                    m.describe(obj),
                    where,
                    f"a {kinds[0]} volume is forbidden in namespace {namespace}, which "
                    f'enforces Pod Security "{level}": the pods are never created',
                    "use a PersistentVolumeClaim (an NFS PersistentVolume behind it is fine)",
                )
            elif labels is None and kinds[0] in {"nfs", "hostPath"}:
                yield Finding(
                    WARNING,
                    19,
                    m.describe(obj),
                    where,
                    f"an inline {kinds[0]} volume, and these manifests do not say which Pod "
                    f'Security level namespace {namespace} enforces: under "restricted" the '
                    "pods are never created",
                    "check with `invoicetron k8s doctor --context …` (reads the namespace's "
                    "labels), or use a PersistentVolumeClaim",
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


def db_clients(context: Context) -> Iterator[Finding]:
    """Every pod that uses the database can reach it through every policy in the files."""
    policies = reach.Policies(context.objects)
    servers = [
        (reach.pod_of(obj), database_port(spec))
        for obj, _, spec, _ in context.workloads()
        if is_database(spec)
    ]
    for obj, path, spec, _ in context.workloads():
        client = reach.pod_of(obj)
        if is_database(spec) or not uses_database(spec) or client is None:
            continue
        for server, port in servers:
            if server is None or server.namespace != client.namespace:
                continue
            verdict = policies.verdict(client, server, port)
            if verdict.allowed:
                continue
            which = ", ".join(verdict.policies)
            if verdict.direction == reach.EGRESS:
                message = (
                    f"connects to the database ({server.describe()}, port {port}), but its own "
                    f"egress is limited by {which}, and no rule there allows that"
                )
                fix = f"allow egress to the database pods on port {port} in one of those policies"
            else:
                message = (
                    f"connects to the database, but {which} admits no pod with its labels "
                    f"({client.describe()}) on port {port}"
                )
                fix = (
                    f"label the pods as the policy expects (e.g. {names.COMPONENT_LABEL}: one of "
                    f"{', '.join(names.DB_CLIENTS)}), or admit them in the policy"
                )
            yield Finding(
                ERROR,
                16,
                m.describe(obj),
                f"{path.removesuffix('.spec')}.metadata.labels",
                message,
                fix,
            )


def database_port(spec: Obj) -> int:
    for _, container in m.containers(spec, init=False):
        for port in container.get("ports") or []:
            if port.get("containerPort"):
                return int(port["containerPort"])
    return 5432


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
    secret_refs.secret_references,
    image_tags,
    namespaces_set,
    policy_namespaces,
    liveness_paths,
    restricted_volumes,
    roles.deployer_roles,
    quota_surge,
    db_clients,
)


def lint(context: Context) -> list[Finding]:
    return [finding for rule in RULES for finding in rule(context)]
