"""Secrets that External Secrets Operator (ESO) owns: recognise them, and say how to rotate them.

ESO writes the Secret from the store again at every refresh, so a value written into the Secret by
hand (or by `rotate-db-password`) is put back within `refreshInterval`: the database keeps the new
password and the app starts with the old one. What ESO leaves on a Secret it manages (v0.10 and
later; `creationPolicy: Owner` is the default):

- an ownerReference to the ExternalSecret (`kind: ExternalSecret`, apiVersion
  `external-secrets.io/...`), with `creationPolicy: Owner` only;
- the label `reconcile.external-secrets.io/managed: "true"` on every Secret it manages;
- the label `reconcile.external-secrets.io/created-by` (a hash of the owner) with `Owner`;
- the annotation `reconcile.external-secrets.io/data-hash`, also with `creationPolicy: Merge`.

Any one of them is enough: a Secret with none was made by hand or by `bootstrap`.
"""

from __future__ import annotations

from dataclasses import dataclass

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s.kubectl import Kubectl, KubectlError
from invoicetron.ops.k8s.manifests import Obj

GROUP = "external-secrets.io"
RECONCILE_PREFIX = "reconcile.external-secrets.io/"
MANAGED_LABEL = RECONCILE_PREFIX + "managed"
CREATED_BY_LABEL = RECONCILE_PREFIX + "created-by"
DATA_HASH_ANNOTATION = RECONCILE_PREFIX + "data-hash"


@dataclass(frozen=True)
class StoreField:
    """Where one key of the Secret comes from: the store, the item (remote key) and its field."""

    secret_key: str
    store: str
    item: str
    field: str


def owner(secret: Obj | None) -> str | None:
    """The ExternalSecret that manages ``secret`` (its name; "" when only the marks say so)."""
    if not secret:
        return None
    metadata = secret.get("metadata") or {}
    for reference in metadata.get("ownerReferences") or []:
        if reference.get("kind") == "ExternalSecret" and str(
            reference.get("apiVersion", "")
        ).startswith(GROUP + "/"):
            return str(reference.get("name", ""))
    labels = metadata.get("labels") or {}
    annotations = metadata.get("annotations") or {}
    if (
        labels.get(MANAGED_LABEL) == "true"
        or CREATED_BY_LABEL in labels
        or DATA_HASH_ANNOTATION in annotations
    ):
        return ""
    return None


def store_fields(external_secret: Obj | None) -> list[StoreField]:
    """The `spec.data` entries of an ExternalSecret, as store/item/field (none when unknown)."""
    if not external_secret:
        return []
    spec = external_secret.get("spec") or {}
    store = str((spec.get("secretStoreRef") or {}).get("name", "?"))
    found = []
    for entry in spec.get("data") or []:
        remote = entry.get("remoteRef") or {}
        found.append(
            StoreField(
                secret_key=str(entry.get("secretKey", "?")),
                store=store,
                item=str(remote.get("key", "?")),
                field=str(remote.get("property") or entry.get("secretKey", "?")),
            )
        )
    return found


def refreshed(external_secret: Obj | None) -> str:
    """How often ESO writes the Secret again, in words (its default interval is 1h)."""
    if external_secret is None:
        return "refreshed on its interval"
    interval = (external_secret.get("spec") or {}).get("refreshInterval", "1h")
    return f"refreshed every {interval}"


def rotation_refusal(namespace: str, owned: dict[str, tuple[str, Obj | None]]) -> str:
    """Why rotate-db-password will not write ESO's secrets, and the steps that rotate in the store.

    ``owned`` maps each owned Secret name to its ExternalSecret's name and the ExternalSecret (None
    when it could not be read, e.g. the operator's Role cannot list ExternalSecrets).
    """
    lines = []
    for secret, (external_name, external) in owned.items():
        shown = external_name or secret
        lines.append(
            f"secret {secret} is managed by External Secrets (ExternalSecret {shown}, "
            f"{refreshed(external)}): a password written into it would be put back "
            "from the store at the next refresh, and the app would fail at its next start."
        )
    fields = [
        field
        for _, external in owned.values()
        for field in store_fields(external)
        if field.secret_key in (names.DB_PASSWORD_KEY, names.DATABASE_URL_KEY)
    ]
    where = (
        "; ".join(
            f"{names.DB_SECRET if f.secret_key == names.DB_PASSWORD_KEY else names.APP_SECRET}/"
            f"{f.secret_key} <- store {f.store}, item '{f.item}', field '{f.field}'"
            for f in fields
        )
        or f"the store item and fields named in the ExternalSecrets' spec.data "
        f"(kubectl get externalsecret -n {namespace} -o yaml)"
    )
    externals = " ".join(sorted({name or secret for secret, (name, _) in owned.items()}))
    lines += [
        "Nothing was changed. Rotate the password in the store instead:",
        f"  1. set the role's new password inside the database, typed at a prompt: kubectl exec "
        f"-it -n {namespace} {names.DB_NAME}-0 -- psql -U {names.DB_USER} -d {names.DB_DATABASE} "
        f"-c '\\password {names.DB_USER}'",
        f"  2. write the same password into the store: {where}. database-url carries it "
        f"percent-encoded: postgresql://{names.DB_USER}:<password>@{names.DB_NAME}:"
        f"{names.DB_PORT}/{names.DB_DATABASE}",
        f"  3. sync now instead of waiting for the refresh: kubectl annotate externalsecret "
        f"{externals} -n {namespace} force-sync=$(date +%s) --overwrite",
        f"  4. restart the app and the worker: kubectl rollout restart deployment/{names.APP_NAME} "
        f"deployment/{names.WORKER_NAME} -n {namespace}; then `invoicetron k8s verify`",
    ]
    return "\n".join(lines)


def refusal_for(kubectl: Kubectl, namespace: str, live: dict[str, Obj | None]) -> str | None:
    """The refusal for rotate-db-password when ESO manages any of ``live``; None otherwise."""
    owned: dict[str, tuple[str, Obj | None]] = {}
    for secret_name, secret in live.items():
        external_name = owner(secret)
        if external_name is None:
            continue
        try:
            # A Secret ESO made is named after its ExternalSecret unless target.name says otherwise.
            external = kubectl.get("externalsecret", external_name or secret_name, namespace)
        except KubectlError:
            external = None  # no CRD, or no right to read it: the refusal still stands
        owned[secret_name] = (external_name, external)
    return rotation_refusal(namespace, owned) if owned else None
