"""Every overlay and component renders, and renders what the runbook describes."""

from __future__ import annotations

import json

import pytest
from tests.fixtures.deploy import CLUSTER_SCOPED, ENVIRONMENT_OF, KUBE, Obj, find, one

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings

SETTINGS = cluster_settings.load(KUBE)


def test_every_overlay_and_component_renders(renders: dict[str, tuple[Obj, ...]]) -> None:
    for name, objects in renders.items():
        assert objects, f"{name} rendered nothing"


def test_no_value_is_left_for_an_overlay_to_fill(renders: dict[str, tuple[Obj, ...]]) -> None:
    for name, objects in renders.items():
        text = json.dumps(objects)
        assert "set-by-" not in text, f"{name} still holds a set-by-... marker"


def test_every_object_lands_in_the_environment_namespace(
    renders: dict[str, tuple[Obj, ...]],
) -> None:
    # Lesson 12: a namespaced object without a namespace lands in `default`.
    for name, objects in renders.items():
        namespaces = [obj["metadata"]["name"] for obj in find(objects, "Namespace")]
        assert len(namespaces) == 1, name
        for obj in objects:
            if obj["kind"] in CLUSTER_SCOPED:
                continue
            where = obj["metadata"].get("namespace")
            assert where == namespaces[0], f"{name}: {obj['kind']}/{obj['metadata']['name']}"


@pytest.mark.parametrize("overlay_name", ["dev", "prod"])
def test_the_runbook_objects_exist_under_their_runbook_names(overlay_name: str) -> None:
    from tests.fixtures.deploy import render

    objects = render(overlay_name)
    env = ENVIRONMENT_OF[overlay_name]
    one(objects, "Namespace", names.NAMESPACES[env])
    one(objects, "StatefulSet", names.DB_NAME)
    one(objects, "Service", names.DB_NAME)
    one(objects, "Deployment", names.APP_NAME)
    service = one(objects, "Service", names.APP_NAME)
    assert service["spec"]["ports"][0]["port"] == names.APP_PORT
    one(objects, "ServiceAccount", names.DEPLOY_SERVICE_ACCOUNT)
    one(objects, "Role", names.DEPLOY_SERVICE_ACCOUNT)
    one(objects, "RoleBinding", names.DEPLOY_SERVICE_ACCOUNT)
    token = one(objects, "Secret", names.DEPLOY_TOKEN_SECRET)
    assert token["type"] == "kubernetes.io/service-account-token"
    one(objects, "HTTPRoute", names.APP_NAME)
    one(objects, "LimitRange", "invoicetron")
    one(objects, "ResourceQuota", "invoicetron")


def test_the_database_is_the_runbooks() -> None:
    from tests.fixtures.deploy import render

    db = one(render("prod"), "StatefulSet", names.DB_NAME)
    service = one(render("prod"), "Service", names.DB_NAME)
    assert service["spec"]["clusterIP"] == "None"
    postgres = db["spec"]["template"]["spec"]["containers"][0]
    assert postgres["image"].startswith("postgres:18")
    # Lesson 3: the parent directory, never .../data, for PostgreSQL 18.
    mounts = {m["name"]: m["mountPath"] for m in postgres["volumeMounts"]}
    assert mounts["data"] == "/var/lib/postgresql"
    claim = db["spec"]["volumeClaimTemplates"][0]["spec"]
    assert claim["resources"]["requests"]["storage"] == "10Gi"
    assert claim["storageClassName"] == SETTINGS.value("storage-class")
    assert db["spec"]["template"]["spec"]["securityContext"]["runAsUser"] == 70


@pytest.mark.parametrize("overlay_name", ["dev", "prod"])
def test_routes_use_the_settings_hostnames(overlay_name: str) -> None:
    from tests.fixtures.deploy import render

    route = one(render(overlay_name), "HTTPRoute", names.APP_NAME)
    assert route["spec"]["hostnames"] == [SETTINGS.hostname(overlay_name)]
    section = SETTINGS.value(f"{overlay_name}-gateway-section")
    assert route["spec"]["parentRefs"][0]["sectionName"] == section
    backend = route["spec"]["rules"][0]["backendRefs"][0]
    assert (backend["name"], backend["port"]) == (names.APP_NAME, names.APP_PORT)


def test_app_urls_per_environment() -> None:
    from tests.fixtures.deploy import render

    def env_of(overlay_name: str) -> dict[str, str]:
        app = one(render(overlay_name), "Deployment", names.APP_NAME)
        container = app["spec"]["template"]["spec"]["containers"][0]
        return {e["name"]: e.get("value", "") for e in container["env"]}

    dev, prod = env_of("dev"), env_of("prod")
    assert dev["APP_URL"] == SETTINGS.url("dev")
    assert "ADDITIONAL_TRUSTED_ORIGINS" not in dev
    # Lesson 8: prod answers on its public and its internal URL.
    assert prod["APP_URL"] == f"https://{SETTINGS.public_hostname('prod')}"
    assert prod["ADDITIONAL_TRUSTED_ORIGINS"] == SETTINGS.url("prod")


def test_backup_is_prods_and_matches_the_issue() -> None:
    from tests.fixtures.deploy import render

    assert not find(render("dev"), "CronJob")
    cron = one(render("prod"), "CronJob", names.BACKUP_CRONJOB)
    spec = cron["spec"]
    assert spec["schedule"] == "0 3 * * *"
    assert spec["timeZone"]
    assert spec["concurrencyPolicy"] == "Forbid"
    assert spec["failedJobsHistoryLimit"] >= 1
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    # Lesson 13: the volume is writable by the user that dumps.
    assert pod["securityContext"]["fsGroup"] == pod["securityContext"]["runAsUser"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    # Lesson 19: a PVC, not an inline NFS volume.
    assert volumes["backups"]["persistentVolumeClaim"]["claimName"] == names.BACKUP_PVC
    pvc = one(render("prod"), "PersistentVolumeClaim", names.BACKUP_PVC)
    assert pvc["spec"]["resources"]["requests"]["storage"] == "2Gi"


def test_the_migration_job_renders_with_the_overlays_image_and_namespace() -> None:
    from tests.fixtures.deploy import render

    for overlay_name in ("dev", "prod", "prod-ha"):
        objects = render(f"{overlay_name}/migrate")
        job = one(objects, "Job", names.MIGRATE_JOB)
        app = one(render(overlay_name), "Deployment", names.APP_NAME)
        app_container = app["spec"]["template"]["spec"]["containers"][0]
        migrate = job["spec"]["template"]["spec"]["containers"][0]
        assert migrate["image"] == app_container["image"]
        assert job["metadata"]["namespace"] == app["metadata"]["namespace"]
        app_url = {e["name"]: e.get("value") for e in app_container["env"]}["APP_URL"]
        assert {e["name"]: e.get("value") for e in migrate["env"]}["APP_URL"] == app_url
        # The Job is never part of what `kubectl apply -k overlays/<env>` applies.
        assert not find(render(overlay_name), "Job")


def test_prod_ha_runs_postgresql_on_cloudnative_pg() -> None:
    from tests.fixtures.deploy import render

    objects = render("prod-ha")
    assert not find(objects, "StatefulSet")
    cluster = one(objects, "Cluster", names.DB_NAME)
    assert cluster["spec"]["instances"] == 3
    assert cluster["spec"]["plugins"][0]["isWALArchiver"] is True
    one(objects, "ScheduledBackup", "invoicetron-db-daily")
    assert one(objects, "Deployment", names.APP_NAME)["spec"]["replicas"] >= 2
    one(objects, "PodDisruptionBudget", names.APP_NAME)
    # The app's DATABASE_URL still names invoicetron-db: the Service now selects the primary.
    service = one(objects, "Service", names.DB_NAME)
    assert service["spec"]["selector"]["cnpg.io/instanceRole"] == "primary"
    labels = cluster["spec"]["inheritedMetadata"]["labels"]
    assert all(
        service["spec"]["selector"].get(k) == v
        for k, v in labels.items()
        if k in service["spec"]["selector"]
    )
