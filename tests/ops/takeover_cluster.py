"""The runbook's installation as the kubectl stand-in answers for it, for the takeover tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings
from tests.fixtures.deploy import KUBE
from tests.fixtures.kubectl import calls
from tests.fixtures.processes import cli_environment, run_cli
from tests.ops import runbook_installation as runbook

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


def deploy(standin: Path, *extra: str) -> tuple[int, str, str]:
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


def argvs(standin: Path) -> list[str]:
    """Each kubectl call as one line, without the reads."""
    lines = [" ".join(c["argv"]) for c in calls(standin)]  # type: ignore[arg-type]
    return [line for line in lines if not line.startswith(("get ", "kustomize "))]
