"""`deploy` onto the installation the runbook made: its selectors (`app: …`) are immutable.

The existing state is the runbook's own objects (tests/ops/runbook_installation.py), answered by
the kubectl stand-in; the manifests are our prod overlay rendered by the real kubectl kustomize.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings, takeover
from invoicetron.ops.k8s.deploy import DeployRefused
from tests.fixtures.deploy import KUBE
from tests.fixtures.kubectl import can
from tests.ops import runbook_installation as runbook
from tests.ops.takeover_cluster import argvs, deploy, runbook_cluster

pytestmark = pytest.mark.slow  # `invoicetron k8s deploy` runs as a subprocess


def index(lines: list[str], *words: str) -> int:
    found = [i for i, line in enumerate(lines) if all(w in line.split() for w in words)]
    assert found, f"no call with {words} in {lines}"
    return found[0]


def test_dry_run_on_the_runbooks_installation_shows_a_plan_that_keeps_the_data(
    standin: Path,
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
    standin: Path,
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
