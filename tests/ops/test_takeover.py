"""`deploy` onto the installation the runbook made: its selectors (`app: …`) are immutable.

The existing state is the runbook's own objects (tests/ops/runbook_installation.py), answered by
the kubectl stand-in; the manifests are our prod overlay rendered by the real kubectl kustomize.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings, takeover
from invoicetron.ops.k8s.deploy import DeployRefused
from tests.conftest import cli_environment, run_cli
from tests.deploy.deploy_helpers import KUBE
from tests.ops import runbook_installation as runbook
from tests.ops.test_kubectl import calls, can, standin  # noqa: F401 - the stand-in fixture

MANIFESTS = Path(__file__).parents[2] / "deploy" / "kubernetes"
IMAGE = f"{cluster_settings.load(KUBE).image_repository}:1.4.0"
APP_PODS = f"--selector={names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=web"
WORKER_PODS = f"--selector={names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=worker"


def pod(container: str) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "metadata": {"name": f"invoicetron-{container}-abc"},
        "spec": {"containers": [{"name": container, "image": IMAGE}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": container, "ready": True}]},
    }


def runbook_cluster() -> dict[str, dict[str, Any]]:
    """The runbook's objects, and a cluster where the migration and the rollouts succeed."""
    reply = lambda obj: {"stdout": json.dumps(obj)}  # noqa: E731
    complete = {"status": {"conditions": [{"type": "Complete", "status": "True"}]}}
    return {
        "get statefulset invoicetron-db": reply(runbook.statefulset()),
        "get deployment invoicetron": reply(runbook.deployment()),
        "get service invoicetron": reply(runbook.service("invoicetron")),
        "get service invoicetron-db": reply(runbook.service("invoicetron-db", headless=True)),
        "get pvc": reply(runbook.as_list(*runbook.claims())),
        "get replicasets --selector=app=invoicetron": reply(
            runbook.as_list(runbook.orphaned_replicaset())
        ),
        "get job invoicetron-migrate": reply(complete),
        f"get pods {APP_PODS}": reply(runbook.as_list(pod(names.APP_CONTAINER))),
        f"get pods {WORKER_PODS}": reply(runbook.as_list(pod(names.WORKER_CONTAINER))),
    }


@pytest.fixture
def ready_url() -> Iterator[str]:
    class Ready(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/ready"
    server.shutdown()


def deploy(standin: Path, *extra: str) -> tuple[int, str, str]:  # noqa: F811
    for secret in (names.PULL_SECRET, names.APP_SECRET):
        (standin.parent / "secrets").mkdir(exist_ok=True)
        body = {"kind": "Secret", "metadata": {"name": secret}, "data": {"k": "dg=="}}
        (standin.parent / "secrets" / secret).write_text(json.dumps(body))
    done = run_cli(
        "k8s",
        "deploy",
        "--env",
        "prod",
        "--image",
        IMAGE,
        "--kubectl",
        str(standin),
        "--manifests",
        str(MANIFESTS),
        "--timeout",
        "30",
        *extra,
        env=cli_environment(),
    )
    return done.returncode, done.stdout, done.stderr


def argvs(standin: Path) -> list[str]:  # noqa: F811
    """Each kubectl call as one line, without the reads."""
    lines = [" ".join(c["argv"]) for c in calls(standin)]  # type: ignore[arg-type]
    return [line for line in lines if not line.startswith(("get ", "kustomize "))]


def index(lines: list[str], *words: str) -> int:
    found = [i for i, line in enumerate(lines) if all(w in line.split() for w in words)]
    assert found, f"no call with {words} in {lines}"
    return found[0]


def test_dry_run_on_the_runbooks_installation_shows_a_plan_that_keeps_the_data(
    standin: Path,  # noqa: F811
) -> None:
    can(standin, runbook_cluster())

    status, out, err = deploy(standin, "--dry-run")

    assert status == 0, err
    assert (
        "statefulset/invoicetron-db: selector app=invoicetron-db is immutable -> replace it" in out
    )
    assert "deployment/invoicetron: selector app=invoicetron is immutable -> replace it" in out
    assert "keep pvc/data-invoicetron-db-0 (10Gi, Bound)" in out
    assert "delete statefulset/invoicetron-db --cascade=orphan" in out
    assert "delete deployment/invoicetron --cascade=orphan" in out
    assert (
        "service/invoicetron-db: selector app=invoicetron-db -> "
        "app.kubernetes.io/component=database,app.kubernetes.io/name=invoicetron-db" in out
    )
    assert argvs(standin) == []  # a dry run changes nothing


def test_deploy_replaces_the_runbooks_objects_orphaning_their_pods_and_keeping_the_volume(
    standin: Path,  # noqa: F811
    ready_url: str,
) -> None:
    can(standin, runbook_cluster())

    status, out, err = deploy(standin, "--ready-url", ready_url)

    assert status == 0, err + out
    lines = argvs(standin)
    relabel_db = index(lines, "label", "pods", "--selector=app=invoicetron-db")
    relabel_app = index(lines, "label", "pods", "--selector=app=invoicetron")
    orphan_db = index(lines, "delete", "statefulset", "invoicetron-db", "--cascade=orphan")
    reselect = index(lines, "patch", "service", "invoicetron-db")
    first_apply = index(lines, "apply")
    db_wait = index(lines, "rollout", "status", "statefulset/invoicetron-db")
    migrate = index(lines, "create")
    orphan_app = index(lines, "delete", "deployment", "invoicetron", "--cascade=orphan")
    workloads_apply = max(i for i, line in enumerate(lines) if line.startswith("apply"))
    app_wait = index(lines, "rollout", "status", "deployment/invoicetron")
    old_replicaset = index(lines, "delete", "replicaset", "invoicetron-5c9f7d")
    assert max(relabel_db, relabel_app) < orphan_db < reselect < first_apply < db_wait < migrate
    assert migrate < orphan_app < workloads_apply < app_wait < old_replicaset
    assert not [line for line in lines if "pvc" in line or "persistentvolumeclaim" in line]
    assert "app.kubernetes.io/name=invoicetron-db" in lines[relabel_db].split()


def test_a_statefulset_whose_volume_template_is_renamed_is_refused() -> None:
    live = runbook.statefulset()
    live["spec"]["volumeClaimTemplates"][0]["metadata"]["name"] = "pgdata"
    rendered = runbook.statefulset()
    rendered["spec"]["selector"] = {"matchLabels": {names.NAME_LABEL: names.DB_NAME}}

    with pytest.raises(DeployRefused, match="pgdata-invoicetron-db-0 would be left behind"):
        takeover.plan_takeover([rendered], {("StatefulSet", names.DB_NAME): live}, [])


def test_an_installation_with_our_selectors_needs_no_takeover() -> None:
    ours = runbook.statefulset()
    ours["spec"]["selector"] = {"matchLabels": {names.NAME_LABEL: names.DB_NAME}}

    plan = takeover.plan_takeover([ours], {("StatefulSet", names.DB_NAME): ours}, [])

    assert plan.empty


def test_a_statefulset_whose_volume_template_changed_is_replaced_keeping_its_claims() -> None:
    ours = runbook.statefulset()
    live = runbook.statefulset()
    live["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] = "local-path"

    plan = takeover.plan_takeover([ours], {("StatefulSet", names.DB_NAME): live}, runbook.claims())

    [replacement] = plan.replacements
    assert replacement.kept_claims == ("data-invoicetron-db-0",)
    assert (
        "statefulset/invoicetron-db: volumeClaimTemplates differ (storage class local-path -> "
        f"{cluster_settings.load(KUBE).value('storage-class')}) and are immutable -> replace it"
        in plan.describe()[1]
    )
