"""Secrets the pods read that the files do not create (issue 16 item 9).

A warning, never an error: the runbook creates its secrets by hand (`kubectl create secret`), so
this is the common case, and a missing one shows only at run time (CreateContainerConfigError).
One finding per namespace and secret, naming every place that reads it. Secrets count as created
by the files when a Secret, a SealedSecret or an ExternalSecret (its target name) is among them;
for our own manifests, also the ones `invoicetron k8s bootstrap` creates.
"""

from __future__ import annotations

from collections.abc import Iterator

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.findings import WARNING, Context, Finding
from invoicetron.ops.k8s.manifests import Obj

BOOTSTRAP_SECRETS = {*names.SECRET_KEYS, names.PULL_SECRET}


def created(context: Context) -> set[str]:
    held = {m.name(o) for o in m.find(context.objects, "Secret")}
    held |= {m.name(o) for o in m.find(context.objects, "SealedSecret")}
    held |= {
        str(((o.get("spec") or {}).get("target") or {}).get("name") or m.name(o))
        for o in m.find(context.objects, "ExternalSecret")
    }
    return held | (BOOTSTRAP_SECRETS if context.ours() else set())


def references(container: Obj) -> Iterator[tuple[str, Obj]]:
    """(field, reference) for every secret a container reads into its environment."""
    for index, source in enumerate(container.get("envFrom") or []):
        if source.get("secretRef"):
            yield f"envFrom[{index}].secretRef", source["secretRef"]
    for env in container.get("env") or []:
        ref = (env.get("valueFrom") or {}).get("secretKeyRef")
        if ref:
            yield f"env[{env.get('name')}].valueFrom.secretKeyRef", ref


def secret_references(context: Context) -> Iterator[Finding]:
    held = created(context)
    users: dict[tuple[str, str], list[tuple[Obj, str]]] = {}
    for obj, path, spec, _ in context.workloads():
        for where, container in m.containers(spec):
            for field_, ref in references(container):
                secret = ref.get("name")
                if secret and secret not in held and not ref.get("optional"):
                    key = (m.namespace(obj) or "default", str(secret))
                    users.setdefault(key, []).append((obj, f"{path}.{where}.{field_}"))
    for (namespace, secret), readers in users.items():
        first, field_ = readers[0]
        others = sorted({m.describe(o) for o, _ in readers[1:]} - {m.describe(first)})
        also = f" (also read by {', '.join(others)})" if others else ""
        yield Finding(
            WARNING,
            9,
            m.describe(first),
            field_,
            f"reads secret {secret}, which these manifests do not create{also}: the pods stay in "
            f"CreateContainerConfigError until it exists in namespace {namespace}",
            f"create it before deploying (check: kubectl get secret {secret} -n {namespace})",
        )
