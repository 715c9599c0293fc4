"""prod-ha (overlays/prod-ha): the database is CloudNativePG's Cluster, not our StatefulSet.

Deploy must wait for the Cluster's Ready condition (there is no statefulset/invoicetron-db to
wait for) and keep the instance count an operator set; verify must find the instances by
CloudNativePG's labels and count the accounts on the current primary, not invoicetron-db-0.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from invoicetron.ops import k8s_names as names
from tests.fixtures.kubectl import calls, can
from tests.fixtures.processes import cli_environment, run_cli
from tests.ops.takeover_cluster import APP_PODS, MANIFESTS, WORKER_PODS, argvs, deploy, pod

pytestmark = pytest.mark.slow  # `invoicetron k8s deploy` runs as a subprocess

CLUSTER = f"--selector=cnpg.io/cluster={names.DB_NAME}"


def live_cluster(instances: int, ready: int, primary: str) -> dict[str, Any]:
    condition = "True" if ready >= instances else "False"
    return {
        "apiVersion": "postgresql.cnpg.io/v1",
        "kind": "Cluster",
        "metadata": {"name": names.DB_NAME},
        "spec": {"instances": instances},
        "status": {
            "readyInstances": ready,
            "currentPrimary": primary,
            "conditions": [{"type": "Ready", "status": condition}],
        },
    }


def instance(number: int) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "metadata": {"name": f"{names.DB_NAME}-{number}"},
        "status": {"phase": "Running"},
    }


def cluster_state(instances: int, ready: int) -> dict[str, dict[str, Any]]:
    reply = lambda obj: {"stdout": json.dumps(obj)}  # noqa: E731
    items = lambda *objs: reply({"items": list(objs)})  # noqa: E731
    claims = [
        {
            "kind": "PersistentVolumeClaim",
            "metadata": {
                "name": f"{names.DB_NAME}-{n}",
                "labels": {"cnpg.io/cluster": names.DB_NAME},
            },
            "status": {"phase": "Bound"},
        }
        for n in range(1, instances + 1)
    ]
    complete = {"status": {"conditions": [{"type": "Complete", "status": "True"}]}}
    return {
        "get cluster.postgresql.cnpg.io invoicetron-db": reply(
            live_cluster(instances, ready, f"{names.DB_NAME}-2")
        ),
        f"get pods {CLUSTER}": items(*(instance(n) for n in range(1, instances + 1))),
        "get pvc": items(*claims),
        "get job invoicetron-migrate": reply(complete),
        f"get pods {APP_PODS}": items(pod(names.APP_CONTAINER)),
        f"get pods {WORKER_PODS}": items(pod(names.WORKER_CONTAINER)),
        "exec": {"stdout": "2\n"},
    }


def applied(standin: Path) -> list[dict[str, Any]]:
    stdins = [str(c["stdin"]) for c in calls(standin) if c["argv"][:1] == ["apply"]]  # type: ignore[index]
    return [o for text in stdins for o in yaml.safe_load_all(text) if o]


def test_dry_run_of_prod_ha_waits_for_the_cloudnativepg_cluster_and_keeps_its_instances(
    standin: Path,
) -> None:
    can(standin, cluster_state(instances=5, ready=5))

    status, out, err = deploy(standin, "--overlay", "prod-ha", "--dry-run")

    assert status == 0, err
    assert "2. wait for cluster.postgresql.cnpg.io/invoicetron-db (CloudNativePG" in out
    assert "statefulset/invoicetron-db" not in out
    assert "keeps its live 5 instances (the overlay says 3)" in out
    assert argvs(standin) == []


def test_deploy_of_prod_ha_waits_for_the_cluster_ready_and_never_resets_its_instances(
    standin: Path,
    ready_url: str,
) -> None:
    can(standin, cluster_state(instances=5, ready=5))

    status, out, err = deploy(standin, "--overlay", "prod-ha", "--ready-url", ready_url)

    assert status == 0, err + out
    lines = argvs(standin)
    assert not [line for line in lines if "statefulset" in line]
    wait = next(i for i, line in enumerate(lines) if line.startswith("wait "))
    assert lines[wait].split()[:3] == [
        "wait",
        "cluster.postgresql.cnpg.io/invoicetron-db",
        "--for=condition=Ready",
    ]
    migrate = next(i for i, line in enumerate(lines) if line.startswith("create "))
    assert lines.index(next(line for line in lines if line.startswith("apply "))) < wait < migrate
    [cluster] = [o for o in applied(standin) if o["kind"] == "Cluster"]
    assert cluster["spec"]["instances"] == 5


def verify(standin: Path) -> tuple[int, str]:
    done = run_cli(
        "k8s",
        "verify",
        "--env",
        "prod",
        "--overlay",
        "prod-ha",
        "--kubectl",
        str(standin),
        "--manifests",
        str(MANIFESTS),
        env=cli_environment(),
    )
    return done.returncode, done.stdout + done.stderr


def test_verify_of_prod_ha_checks_the_cluster_and_counts_accounts_on_the_primary(
    standin: Path,
) -> None:
    can(standin, cluster_state(instances=3, ready=3))

    _, out = verify(standin)

    assert "database ready" in out and "3/3 instances ready, primary invoicetron-db-2" in out
    assert "invoicetron-db-1, invoicetron-db-2, invoicetron-db-3" in out
    [exec_call] = [c["argv"] for c in calls(standin) if "exec" in c["argv"]]  # type: ignore[operator]
    assert "invoicetron-db-2" in exec_call and "invoicetron-db-0" not in exec_call
    assert "statefulset" not in json.dumps([c["argv"] for c in calls(standin)])


def test_verify_of_prod_ha_fails_while_an_instance_is_not_ready(standin: Path) -> None:
    can(standin, cluster_state(instances=3, ready=2))

    status, out = verify(standin)

    assert status == 1
    line = next(line for line in out.splitlines() if "database ready" in line)
    assert "FAIL" in line and "2/3 instances ready" in line
