"""Bootstrap decisions: the namespace with its Pod Security labels, and which secrets to create.

Idempotent by construction: an existing, complete secret is kept, never regenerated, because the
database reads its password only on first start (lesson 5): a new value would lock the app out.
An existing secret with an empty or placeholder key is refused with the way out (lesson 9).
"""

from __future__ import annotations

from dataclasses import dataclass

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s import secrets as s
from invoicetron.ops.k8s.manifests import Obj

POD_SECURITY_PREFIX = "pod-security.kubernetes.io/"


@dataclass(frozen=True)
class SecretStep:
    name: str
    action: str  # "create", "keep" or "refuse"
    reason: str


def desired_namespace(rendered: list[Obj], namespace: str) -> Obj:
    found = [o for o in m.find(rendered, "Namespace") if m.name(o) == namespace]
    if not found:
        raise ValueError(f"the overlay renders no Namespace {namespace}")
    namespace_object = found[0]
    return namespace_object


def namespace_changes(desired: Obj, live: Obj | None) -> list[str]:
    """What applying the Namespace would change, in words."""
    wanted = m.labels(desired)
    if live is None:
        listed = ", ".join(
            f"{k}={v}" for k, v in wanted.items() if k.startswith(POD_SECURITY_PREFIX)
        )
        return [f"create namespace {m.name(desired)} ({listed})"]
    have = m.labels(live)
    return [
        f"set label {key}={value} on namespace {m.name(desired)} (now {have.get(key, 'unset')})"
        for key, value in wanted.items()
        if have.get(key) != value
    ]


def plan_secrets(live: dict[str, Obj | None], *, registry: bool = True) -> list[SecretStep]:
    steps = []
    for name in s.SECRET_NAMES:
        if name == names.PULL_SECRET and not registry:
            steps.append(SecretStep(name, "keep", "skipped (--no-registry-secret)"))
            continue
        secret = live.get(name)
        if secret is None:
            steps.append(SecretStep(name, "create", "missing"))
            continue
        found = s.problems(name, secret)
        if found:
            reason = "; ".join(found) + (
                f". Delete it (kubectl delete secret {name} -n <namespace>) and run bootstrap "
                "again" + (", or run rotate-db-password" if name != names.PULL_SECRET else "")
            )
            steps.append(SecretStep(name, "refuse", reason))
        else:
            steps.append(SecretStep(name, "keep", "present, every key non-empty"))
    return steps


def existing_password(live: dict[str, Obj | None]) -> str | None:
    """The database password already in use, so a recreated secret keeps matching the database."""
    db = live.get(names.DB_SECRET)
    if db:
        password = s.decoded(db).get(names.DB_PASSWORD_KEY, "").strip()
        if password:
            return password
    app = live.get(names.APP_SECRET)
    if app:
        return s.password_in_url(s.decoded(app).get(names.DATABASE_URL_KEY, ""))
    return None


def build_secrets(
    steps: list[SecretStep],
    live: dict[str, Obj | None],
    namespace: str,
    source: s.Source,
    *,
    registry_server: str,
    registry_username: str,
) -> list[Obj]:
    """The Secret objects to create, with values read from ``source`` only where needed."""
    creating = {step.name for step in steps if step.action == "create"}
    objects = []
    password = existing_password(live)
    if creating & {names.DB_SECRET, names.APP_SECRET} and password is None:
        password = source.read(names.DB_PASSWORD_KEY)
    if names.DB_SECRET in creating and password:
        objects.append(
            s.secret_object(names.DB_SECRET, namespace, {names.DB_PASSWORD_KEY: password})
        )
    if names.APP_SECRET in creating and password:
        values = {
            names.DATABASE_URL_KEY: s.database_url(password),
            names.SECRET_KEY_KEY: source.read(names.SECRET_KEY_KEY),
        }
        objects.append(s.secret_object(names.APP_SECRET, namespace, values))
    if names.PULL_SECRET in creating:
        token = source.read("registry-password")
        objects.append(s.registry_secret(namespace, registry_server, registry_username, token))
    return objects


def readback_problems(live: dict[str, Obj | None], *, registry: bool = True) -> list[str]:
    """Every key of every secret, read back after writing: present, non-empty, consistent."""
    found = []
    for name in s.SECRET_NAMES:
        if name == names.PULL_SECRET and not registry:
            continue
        found += s.problems(name, live.get(name))
    return found + s.consistency_problems(live.get(names.DB_SECRET), live.get(names.APP_SECRET))
