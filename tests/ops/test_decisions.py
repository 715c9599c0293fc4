"""The decisions behind deploy, verify, rollback and backups, as plain functions over data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from invoicetron.ops.k8s import backups, deploy, quota, rollback, verify, workflows
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s.environments import environment
from invoicetron.ops.k8s.kubectl import Kubectl
from tests.fixtures.kubectl import KUBECTL, OVERLAY_DIRECTORY

IMAGE = "registry.k8s.rommelporras.com/0xwsh/invoicetron:2.3.4"


def rendered(path: Path) -> list[m.Obj]:
    return workflows.render(Kubectl(executable=KUBECTL), str(path))


@pytest.mark.parametrize(
    ("image", "problem"),
    [
        ("registry.example.org/app:latest", "uses :latest"),
        ("registry.k8s.rommelporras.com/0xwsh/invoicetron", "has no tag"),
        ("set-by-overlay", "placeholder"),
        ("invoicetron:1.0", "has no registry"),
        ("Not An Image", "not a valid image reference"),
    ],
)
def test_unpinned_placeholder_and_malformed_images_are_refused(image: str, problem: str) -> None:
    assert problem in (deploy.image_problem(image) or "")


def test_pinned_tags_and_digests_are_accepted() -> None:
    assert deploy.image_problem(IMAGE) is None
    assert deploy.image_problem(f"{IMAGE}@sha256:{'a' * 64}") is None


@pytest.mark.parametrize("overlay", ["dev", "prod", "prod-ha"])
def test_the_deploy_plan_pins_the_image_and_applies_app_and_worker_after_the_migration(
    overlay: str,
) -> None:
    plan = deploy.plan_deploy(
        rendered(OVERLAY_DIRECTORY / overlay),
        rendered(OVERLAY_DIRECTORY / overlay / "migrate"),
        IMAGE,
        None,
        "invoicetron-prod",
    )

    assert m.container_image(plan.app, "app") == IMAGE
    assert m.container_image(plan.worker, "worker") == IMAGE
    assert m.container_image(plan.migrate_job, "migrate") == IMAGE
    assert [m.name(o) for o in plan.workloads] == ["invoicetron", "invoicetron-worker"]
    # Neither runs new code before its migrations: no Deployment goes out with the first apply.
    assert all(m.kind(o) != "Deployment" for o in plan.infrastructure)
    assert not [o for o in plan.infrastructure if "invoicetron:0.1.0" in str(o)]
    steps = "\n".join(plan.describe())
    assert "(no Deployment yet) -> " + IMAGE in steps
    assert steps.index("job/invoicetron-migrate") < steps.index("apply deployment/invoicetron")
    assert steps.index("job/invoicetron-migrate") < steps.index("deployment/invoicetron-worker")


def live_deployment(container: str, image: str) -> m.Obj:
    containers = [{"name": container, "image": image}]
    return {"kind": "Deployment", "spec": {"template": {"spec": {"containers": containers}}}}


def test_app_only_deploys_apply_nothing_but_the_job_and_the_two_deployments() -> None:
    old = IMAGE.replace("2.3.4", "2.3.3")
    plan = deploy.plan_deploy(
        rendered(OVERLAY_DIRECTORY / "dev"),
        rendered(OVERLAY_DIRECTORY / "dev" / "migrate"),
        IMAGE,
        live_deployment("app", old),
        "invoicetron-dev",
        app_only=True,
        live_worker=live_deployment("worker", old),
    )

    assert plan.infrastructure == []
    assert m.container_image(plan.app, "app") == IMAGE
    assert m.container_image(plan.worker, "worker") == IMAGE
    assert "worker image:" not in "\n".join(plan.describe())  # same as the app's: one line


@pytest.mark.parametrize(
    ("app", "worker", "missing"),
    [(None, None, "invoicetron"), (True, None, "invoicetron-worker")],
)
def test_an_app_only_deploy_refuses_to_create_a_deployment_which_ci_may_not(
    app: bool | None, worker: bool | None, missing: str
) -> None:
    with pytest.raises(
        deploy.DeployRefused,
        match=f"existing deployment/{missing}, .*run the full `invoicetron k8s deploy` once",
    ):
        deploy.plan_deploy(
            rendered(OVERLAY_DIRECTORY / "dev"),
            rendered(OVERLAY_DIRECTORY / "dev" / "migrate"),
            IMAGE,
            live_deployment("app", IMAGE) if app else None,
            "invoicetron-dev",
            app_only=True,
            live_worker=live_deployment("worker", IMAGE) if worker else None,
        )


def test_the_first_deploy_with_a_worker_shows_it_is_new() -> None:
    # The upgrade from before the worker existed: a full deploy creates it, --app-only cannot.
    plan = deploy.plan_deploy(
        rendered(OVERLAY_DIRECTORY / "prod"),
        rendered(OVERLAY_DIRECTORY / "prod" / "migrate"),
        IMAGE,
        live_deployment("app", IMAGE.replace("2.3.4", "2.3.3")),
        "invoicetron-prod",
    )

    assert "worker image: (no Deployment yet) -> " + IMAGE in plan.describe()


def test_an_overlay_without_the_worker_is_refused() -> None:
    objects = [
        o
        for o in rendered(OVERLAY_DIRECTORY / "dev")
        if not (m.kind(o) == "Deployment" and m.name(o) == "invoicetron-worker")
    ]
    with pytest.raises(deploy.DeployRefused, match="no Deployment invoicetron-worker"):
        deploy.plan_deploy(
            objects, rendered(OVERLAY_DIRECTORY / "dev" / "migrate"), IMAGE, None, "invoicetron-dev"
        )


def pod(name: str, image: str, *, ready: bool = True, phase: str = "Running") -> m.Obj:
    return {
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "image": image}]},
        "status": {"phase": phase, "containerStatuses": [{"name": "app", "ready": ready}]},
    }


def test_pods_still_on_the_old_image_fail_the_deploy_check() -> None:
    old = IMAGE.replace("2.3.4", "2.3.3")

    assert deploy.pod_image_problems([pod("a", IMAGE), pod("b", IMAGE)], IMAGE) == []
    assert deploy.pod_image_problems([pod("a", IMAGE), pod("b", old)], IMAGE) == [
        f"pod b runs {old}, not {IMAGE}"
    ]
    assert deploy.pod_image_problems([pod("a", IMAGE, ready=False)], IMAGE) == [
        "pod a is not ready"
    ]
    assert deploy.pod_image_problems([], IMAGE) == ["no app pod is running"]


def worker_pod(name: str, image: str) -> m.Obj:
    return {
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "worker", "image": image}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "worker", "ready": True}]},
    }


def test_verify_checks_the_worker_runs_the_new_image() -> None:
    old = IMAGE.replace("2.3.4", "2.3.3")
    deployment = live_deployment("worker", IMAGE)

    passed = verify.worker_check(deployment, [worker_pod("w", IMAGE)], IMAGE)
    stale = verify.worker_check(deployment, [worker_pod("w", IMAGE), worker_pod("v", old)], IMAGE)
    missing = verify.worker_check(None, [], IMAGE)
    none = verify.worker_check(deployment, [], IMAGE)

    assert (passed.status, passed.name) == (verify.PASS, "worker on the expected image")
    assert (stale.status, stale.reason) == (verify.FAIL, f"pod v runs {old}, not {IMAGE}")
    assert missing.status == verify.FAIL and "invoicetron-worker is missing" in missing.reason
    assert (none.status, none.reason) == (verify.FAIL, "no worker pod is running")


def test_the_worker_follows_an_app_rollback_to_the_revision_with_the_same_image() -> None:
    history = [
        rollback.Revision(1, "w-1", "app:1", 0),
        rollback.Revision(2, "w-2", "app:2", 0),
        rollback.Revision(3, "w-3", "app:3", 1),
    ]

    assert rollback.revision_with_image(history, "app:2") == history[1]
    assert rollback.revision_with_image(history, "app:0") is None


def test_a_job_outcome_is_read_from_its_conditions() -> None:
    failed = {"status": {"conditions": [{"type": "Failed", "status": "True"}]}}

    assert deploy.job_outcome(failed) == "failed"
    assert deploy.job_outcome({"status": {"succeeded": 1}}) == "succeeded"
    assert deploy.job_outcome({"status": {"active": 1}}) == "running"


def test_verify_skips_health_while_the_app_runs_another_image() -> None:
    env = environment("prod", OVERLAY_DIRECTORY.parent)

    checks = workflows.url_checks(env, app_ok=False)

    assert {c.status for c in checks} == {verify.SKIP}
    assert len(checks) == 2 and "old version" in checks[0].reason


def test_the_public_url_must_redirect_to_the_access_provider() -> None:
    redirect = verify.HttpResult(302, "https://team.cloudflareaccess.com/cdn-cgi/access/login")

    assert verify.access_check("https://x", redirect).status == verify.PASS
    assert verify.access_check("https://x", verify.HttpResult(200)).status == verify.FAIL


def test_an_old_or_missing_backup_fails_verification() -> None:
    now = datetime(2026, 5, 2, 12, tzinfo=UTC)
    cronjob = {"status": {"lastSuccessfulTime": "2026-04-30T03:00:00Z"}}

    assert verify.backup_check(cronjob, now, timedelta(hours=26)).status == verify.FAIL
    assert verify.backup_check({"status": {}}, now, timedelta(hours=26)).status == verify.FAIL
    assert verify.backup_check(None, now, timedelta(hours=26)).status == verify.SKIP


def replica_set(revision: int, image: str) -> m.Obj:
    return {
        "kind": "ReplicaSet",
        "metadata": {"name": f"rs-{revision}", "annotations": {rollback.REVISION: str(revision)}},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": image}]}}},
    }


def test_an_app_rollback_returns_to_the_newest_revision_with_another_image() -> None:
    history = rollback.revisions(
        [
            replica_set(3, "app:3"),
            replica_set(1, "app:1"),
            replica_set(2, "app:2"),
            replica_set(4, "app:3"),
        ]
    )

    assert rollback.rollback_target(history).number == 2
    assert rollback.rollback_target(history, to_revision=1).image == "app:1"
    with pytest.raises(ValueError, match="no earlier revision"):
        rollback.rollback_target(history[:1])


def test_backups_are_listed_oldest_first_and_the_newest_must_be_recent(tmp_path: Path) -> None:
    for stamp in ("20260501T030000Z", "20260502T030000Z"):
        (tmp_path / f"invoicetron-prod_{stamp}.dump").write_bytes(b"x")
    (tmp_path / "invoicetron-prod_20260503T030000Z.dump.partial").write_bytes(b"x")
    now = datetime(2026, 5, 2, 10, tzinfo=UTC)

    found = backups.list_backups(tmp_path)

    assert [b.path.name[17:25] for b in found] == ["20260501", "20260502"]
    assert backups.resolve(tmp_path, "latest") == found[-1].path
    assert backups.age_problem(found[-1], now, timedelta(hours=26)) is None
    assert "more than" in (backups.age_problem(found[0], now, timedelta(hours=26)) or "")


def test_resource_quantities_and_surges_add_up_like_the_api_server() -> None:
    assert quota.quantity("250m") * 4 == 1
    assert quota.quantity("1Gi") == 1024**3
    deployment = {"kind": "Deployment", "spec": {"replicas": 4, "strategy": {}}}
    assert quota.surge(deployment) == 1  # 25 % of 4
