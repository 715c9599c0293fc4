"""rotate-db-password refuses secrets External Secrets owns, and says how to rotate in the store.

ESO writes its Secrets again at every refresh: a rotated password written into them by hand is put
back within the refresh interval, and the app's next start fails (issue 16, item 6).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from invoicetron.ops.k8s import cluster_settings
from invoicetron.ops.k8s import external_secrets as eso
from invoicetron.ops.k8s import secrets as s
from tests.fixtures.deploy import KUBE
from tests.fixtures.kubectl import calls, can
from tests.fixtures.processes import cli_environment, run_cli

pytestmark = pytest.mark.slow  # `invoicetron` runs as a subprocess

PASSWORD = "0123456789abcdef0123456789abcdef01234567"
ITEM = cluster_settings.load(KUBE).secret_item("dev")  # the ExternalSecret reads this item


def eso_secret(name: str, data: dict[str, str], *, owner: bool = True) -> dict[str, object]:
    """A Secret as ESO leaves it: labels, data-hash, and (creationPolicy Owner) the owner."""
    secret = s.secret_object(name, "invoicetron-dev", data)
    metadata = secret["metadata"]
    metadata["labels"] |= {eso.MANAGED_LABEL: "true"}
    metadata["annotations"] = {eso.DATA_HASH_ANNOTATION: "bd8e2a876feda12120ff96459c60923"}
    if owner:
        metadata["labels"][eso.CREATED_BY_LABEL] = "7870d14eb787583a2c5ebfa41ec5ad11"
        metadata["ownerReferences"] = [
            {
                "apiVersion": "external-secrets.io/v1",
                "kind": "ExternalSecret",
                "name": name,
                "controller": True,
                "blockOwnerDeletion": True,
                "uid": "0f0e0d0c",
            }
        ]
    return secret


def external_secret(name: str, keys: list[str]) -> dict[str, object]:
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": {"name": name, "namespace": "invoicetron-dev"},
        "spec": {
            "refreshInterval": "1h",
            "secretStoreRef": {"kind": "ClusterSecretStore", "name": "onepassword"},
            "target": {"name": name},
            "data": [
                {"secretKey": key, "remoteRef": {"key": ITEM, "property": key}} for key in keys
            ],
        },
    }


def store(standin: Path, *objects: dict[str, object]) -> None:
    folder = standin.parent / "secrets"
    folder.mkdir(exist_ok=True)
    for item in objects:
        (folder / item["metadata"]["name"]).write_text(json.dumps(item))  # type: ignore[index]


def rotate(standin: Path, *extra: str) -> tuple[int, str, str]:
    done = run_cli(
        "k8s",
        "rotate-db-password",
        "--env",
        "dev",
        "--kubectl",
        str(standin),
        *extra,
        env=cli_environment(),
    )
    return done.returncode, done.stdout, done.stderr


def eso_installation(standin: Path, *, owner: bool = True) -> None:
    store(
        standin,
        eso_secret("invoicetron-db", {"postgres-password": PASSWORD}, owner=owner),
        eso_secret(
            "invoicetron-app",
            {"database-url": s.database_url(PASSWORD), "better-auth-secret": "b" * 50},
            owner=owner,
        ),
    )
    can(
        standin,
        {
            "get externalsecret invoicetron-db": {
                "stdout": json.dumps(external_secret("invoicetron-db", ["postgres-password"]))
            },
            "get externalsecret invoicetron-app": {
                "stdout": json.dumps(
                    external_secret("invoicetron-app", ["database-url", "better-auth-secret"])
                )
            },
        },
    )


def test_rotating_a_secret_owned_by_external_secrets_is_refused_with_the_store_item_and_field(
    standin: Path,
) -> None:
    eso_installation(standin)

    # The database URL leads nowhere: the refusal must come before any database work.
    status, out, err = rotate(
        standin, "--database-url", "postgresql://invoicetron:unused@127.0.0.1:9/invoicetron"
    )

    assert status == 1
    assert "secret invoicetron-db is managed by External Secrets" in err
    assert "ExternalSecret invoicetron-db, refreshed every 1h" in err
    assert f"store onepassword, item '{ITEM}', field 'postgres-password'" in err
    assert f"store onepassword, item '{ITEM}', field 'database-url'" in err
    assert "force-sync=$(date +%s)" in err
    assert "Nothing was changed" in err
    assert PASSWORD not in out + err
    assert not any("apply" in c["argv"] for c in calls(standin))  # type: ignore[operator]


def test_the_dry_run_refuses_too_when_only_the_reconcile_marks_show_the_owner(
    standin: Path,
) -> None:
    # creationPolicy Merge: no ownerReference, only ESO's label and data-hash annotation.
    eso_installation(standin, owner=False)

    status, out, err = rotate(standin, "--dry-run")

    assert status == 1
    assert "would:" not in out
    assert "secret invoicetron-app is managed by External Secrets" in err
    assert f"item '{ITEM}', field 'database-url'" in err


def test_secrets_made_by_bootstrap_are_rotated_as_before(standin: Path) -> None:
    store(
        standin,
        s.secret_object("invoicetron-db", "invoicetron-dev", {"postgres-password": PASSWORD}),
        s.secret_object(
            "invoicetron-app",
            "invoicetron-dev",
            {"database-url": s.database_url(PASSWORD), "better-auth-secret": "b" * 50},
        ),
    )

    status, out, err = rotate(standin, "--dry-run")

    assert status == 0, err
    assert "would: 1. ALTER ROLE invoicetron" in out
    assert "External Secrets" not in out + err


def test_the_refusal_stands_when_the_external_secret_cannot_be_read(standin: Path) -> None:
    eso_installation(standin)
    forbidden = (
        'Error from server (Forbidden): externalsecrets.external-secrets.io "x" is forbidden\n'
    )
    can(standin, {"get externalsecret": {"code": 1, "stderr": forbidden}})

    status, out, err = rotate(standin, "--dry-run")

    assert status == 1
    assert "would:" not in out
    assert "ExternalSecret invoicetron-db, refreshed on its interval" in err
    assert "kubectl get externalsecret -n invoicetron-dev -o yaml" in err
