"""Contracts between the manifests and the app, and the lessons a manifest can prevent."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import pytest
from deploy_helpers import (
    CLUSTER_SCOPED,
    Obj,
    containers,
    find,
    one,
    pod_templates,
    render,
    runs_our_image,
)

from invoicetron.ops import k8s_names as names

# Commands our image's containers may run, and the binaries the postgres image's containers use.
POSTGRES_TOOLS = {"pg_isready", "pg_dump", "pg_restore", "psql", "sh"}
# Variables set for the server process or by Kubernetes conventions, read outside the settings.
SERVE_ENV_NAMES = {"PORT", "INVOICETRON_WORKERS", "INVOICETRON_GRACEFUL_TIMEOUT"}


def env_names_the_app_reads() -> set[str]:
    """Every variable the settings module and `invoicetron serve` read (Env.names_read)."""
    code = (
        "import json\n"
        "import django\n"
        "django.setup()\n"
        "from invoicetron.envconfig import Env\n"
        "from invoicetron.ops.server import server_options\n"
        "server_options(Env())\n"
        "print(json.dumps(sorted(Env.names_read)))\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "invoicetron.settings",
        "INVOICETRON_ENV": "production",
        "SECRET_KEY": "contract-test-only-key-0123456789-abcdefghij",
        "APP_URL": "https://invoicetron.test",
        "DATABASE_URL": "postgresql://contract:contract@127.0.0.1:5432/contract",
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def cli_subcommands() -> set[str]:
    from invoicetron.cli import build_parser

    parser = build_parser()
    for action in parser._actions:  # argparse offers no public way to list subcommands
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    raise AssertionError("the invoicetron CLI has no subcommands")


def test_every_env_name_the_manifests_set_is_read_by_the_app(
    renders: dict[str, tuple[Obj, ...]],
) -> None:
    read = env_names_the_app_reads()
    assert read >= SERVE_ENV_NAMES
    for name, objects in renders.items():
        for label, pod in pod_templates(objects):
            for container in containers(pod):
                if not runs_our_image(container):
                    continue
                for variable in container.get("env", []):
                    assert variable["name"] in read, (name, label, variable["name"])


def test_container_commands_are_real_subcommands(renders: dict[str, tuple[Obj, ...]]) -> None:
    subcommands = cli_subcommands()
    for name, objects in renders.items():
        for label, pod in pod_templates(objects):
            for container in containers(pod):
                argv = [*container.get("command", []), *container.get("args", [])]
                if runs_our_image(container):
                    assert argv[0] == "invoicetron" and argv[1] in subcommands, (name, label, argv)
                elif argv:
                    assert argv[0] in POSTGRES_TOOLS, (name, label, argv)
                else:  # the database server: the postgres image's own entrypoint
                    assert container["image"].startswith("postgres:18"), (name, label)
    app = one(render("prod"), "Deployment", names.APP_NAME)["spec"]["template"]
    assert containers(app)[-1]["args"] == ["serve"]
    job = one(render("prod/migrate"), "Job", names.MIGRATE_JOB)["spec"]["template"]
    assert containers(job)[-1]["args"] == ["migrate"]


def test_probes_use_the_liveness_and_readiness_endpoints() -> None:
    for overlay in ("dev", "prod", "prod-ha"):
        app = one(render(overlay), "Deployment", names.APP_NAME)
        container = app["spec"]["template"]["spec"]["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports["http"] == names.APP_PORT
        # Lesson 17: liveness never touches the database; readiness does.
        for probe, path in (
            ("startupProbe", names.LIVENESS_PATH),
            ("livenessProbe", names.LIVENESS_PATH),
            ("readinessProbe", names.READINESS_PATH),
        ):
            assert container[probe]["httpGet"]["path"] == path
            assert ports[container[probe]["httpGet"]["port"]] == names.APP_PORT


def test_graceful_shutdown_fits_the_grace_period() -> None:
    app = one(render("prod"), "Deployment", names.APP_NAME)["spec"]["template"]["spec"]
    container = app["containers"][0]
    env = {e["name"]: e.get("value") for e in container["env"]}
    pause = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert app["terminationGracePeriodSeconds"] > pause + int(env["INVOICETRON_GRACEFUL_TIMEOUT"])


def test_secrets_are_referenced_by_explicit_keys_of_the_runbook(
    renders: dict[str, tuple[Obj, ...]],
) -> None:
    used: set[tuple[str, str]] = set()
    for name, objects in renders.items():
        for label, pod in pod_templates(objects):
            for container in containers(pod):
                # Lesson 2: envFrom would inject hyphenated keys under the wrong names.
                assert "envFrom" not in container, (name, label)
                for variable in container.get("env", []):
                    ref = variable.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        assert ref["key"] in names.SECRET_KEYS[ref["name"]], (name, label, ref)
                        used.add((ref["name"], ref["key"]))
    expected = {(secret, key) for secret, keys in names.SECRET_KEYS.items() for key in keys}
    assert used == expected


def test_external_secrets_write_the_runbook_secrets() -> None:
    from deploy_helpers import render_with_component

    objects = render_with_component("external-secrets")
    for secret, keys in names.SECRET_KEYS.items():
        external = one(objects, "ExternalSecret", secret)
        assert external["spec"]["target"]["name"] == secret
        assert {d["secretKey"] for d in external["spec"]["data"]} == set(keys)
        assert {d["remoteRef"]["key"] for d in external["spec"]["data"]} == {"Invoicetron Prod"}
    pull = one(objects, "ExternalSecret", names.PULL_SECRET)
    assert pull["spec"]["target"]["template"]["type"] == "kubernetes.io/dockerconfigjson"


def test_every_pod_running_our_image_names_the_pull_secret(
    renders: dict[str, tuple[Obj, ...]],
) -> None:
    # Lesson 1: the registry is private.
    for name, objects in renders.items():
        for label, pod in pod_templates(objects):
            if any(runs_our_image(c) for c in containers(pod)):
                secrets = [s["name"] for s in pod["spec"].get("imagePullSecrets", [])]
                assert names.PULL_SECRET in secrets, (name, label)


def test_images_are_pinned(renders: dict[str, tuple[Obj, ...]]) -> None:
    # Lessons 6 and 11: a real registry path and tag, never :latest or a bare placeholder.
    for name, objects in renders.items():
        for label, pod in pod_templates(objects):
            for container in containers(pod):
                image = container["image"]
                assert re.fullmatch(r"[a-z0-9./_-]+(:[A-Za-z0-9._-]+|@sha256:[0-9a-f]{64})", image)
                assert not image.endswith(":latest"), (name, label, image)
                assert ":" in image or "@" in image, (name, label, image)
        for cluster in find(objects, "Cluster"):
            assert not cluster["spec"]["imageName"].endswith(":latest")


def _db_policy_admits(policy: Obj, labels: dict[str, str]) -> bool:
    spec = policy["spec"]
    rules = spec.get("ingress", [])
    for rule in rules:
        selectors = rule.get("fromEndpoints") or [
            p.get("podSelector") for p in rule.get("from", [])
        ]
        for selector in selectors:
            if selector is not None and _matches(selector, labels):
                return True
    return False


def _matches(selector: Obj, labels: dict[str, str]) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        if expression["operator"] == "In" and value not in expression["values"]:
            return False
        if expression["operator"] == "NotIn" and value in expression["values"]:
            return False
        if expression["operator"] == "Exists" and value is None:
            return False
    return True


def _reaches_db(pod: Obj) -> bool:
    for container in containers(pod):
        text = json.dumps(container)
        if "DATABASE_URL" in text or names.DB_NAME in text:
            return True
    return False


@pytest.mark.parametrize(
    ("source", "policy_kind", "policy_name"),
    [
        ("dev", "CiliumNetworkPolicy", "invoicetron-db"),
        ("prod", "CiliumNetworkPolicy", "invoicetron-db"),
        ("components/network-policies", "NetworkPolicy", "invoicetron-db"),
    ],
)
def test_every_pod_that_reaches_the_db_carries_the_label_its_policy_admits(
    renders: dict[str, tuple[Obj, ...]], source: str, policy_kind: str, policy_name: str
) -> None:
    # Lesson 16: the migration pod once carried no label the policy selected.
    policy = one(renders[source], policy_kind, policy_name)
    env = "dev" if source == "dev" else "prod"
    checked = 0
    for objects in (renders[source], render(f"{env}/migrate")):
        for label, pod in pod_templates(objects):
            component = pod["metadata"]["labels"].get(names.COMPONENT_LABEL)
            if component == "database" or not _reaches_db(pod):
                continue
            assert component in names.DB_CLIENTS, label
            assert _db_policy_admits(policy, pod["metadata"]["labels"]), (source, label)
            checked += 1
    assert checked >= 2


def _namespaces_named(obj: Obj) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("k8s:io.kubernetes.pod.namespace", "kubernetes.io/metadata.name"):
                    found.add(str(value))
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(obj["spec"])
    return found


def test_every_namespace_a_policy_names_exists(renders: dict[str, tuple[Obj, ...]]) -> None:
    # Lesson 7: the namespaces a policy names are the environment's own or the cluster's, as
    # declared in cluster/settings.yaml; none is typed by hand.
    import yaml
    from deploy_helpers import KUBE

    settings = yaml.safe_load((KUBE / "cluster" / "settings.yaml").read_text())["data"]
    cluster_namespaces = {
        settings["gateway-namespace"],
        settings["tunnel-namespace"],
        settings["monitoring-namespace"],
        "kube-system",
        "cnpg-system",
    }
    for name, objects in renders.items():
        own = {obj["metadata"]["name"] for obj in find(objects, "Namespace")}
        for obj in objects:
            if obj["kind"] in (
                "CiliumNetworkPolicy",
                "CiliumClusterwideNetworkPolicy",
                "NetworkPolicy",
            ):
                unknown = _namespaces_named(obj) - own - cluster_namespaces
                assert not unknown, (name, obj["metadata"]["name"], unknown)
    tunnel = one(render("prod"), "CiliumClusterwideNetworkPolicy", "invoicetron-prod.tunnel-egress")
    assert "invoicetron-prod" in _namespaces_named(tunnel)


def _quantity(text: str | int) -> float:
    value = str(text)
    units = {"m": 1e-3, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30}
    for suffix, factor in units.items():
        if value.endswith(suffix):
            return float(value[: -len(suffix)]) * factor
    return float(value)


def _pod_needs(pod: Obj, kind: str, resource: str) -> float:
    # A pod counts max(largest init container, sum of app containers), as the scheduler does.
    spec = pod["spec"]
    main = sum(_quantity(c["resources"][kind][resource]) for c in spec["containers"])
    init = [_quantity(c["resources"][kind][resource]) for c in spec.get("initContainers", [])]
    return max([main, *init])


@pytest.mark.parametrize("overlay_name", ["dev", "prod", "prod-ha"])
def test_a_rollout_fits_the_quota(overlay_name: str) -> None:
    # Lesson 14: the database, replicas + surge app pods, the migration and a backup at once.
    objects = render(overlay_name)
    migrate = one(render(f"{overlay_name}/migrate"), "Job", names.MIGRATE_JOB)["spec"]["template"]
    quota = one(objects, "ResourceQuota", "invoicetron")["spec"]["hard"]
    app = one(objects, "Deployment", names.APP_NAME)
    surge = app["spec"]["strategy"]["rollingUpdate"]["maxSurge"]
    pods: list[tuple[Obj, int]] = [
        (app["spec"]["template"], app["spec"]["replicas"] + surge),
        (migrate, 1),
    ]
    pods += [(t, 1) for label, t in pod_templates(objects) if label.startswith("CronJob/")]
    pods += [
        (t, s["spec"]["replicas"])
        for s in find(objects, "StatefulSet")
        for t in [s["spec"]["template"]]
    ]
    for cluster in find(objects, "Cluster"):
        fake = {"spec": {"containers": [{"resources": cluster["spec"]["resources"]}]}}
        pods.append((fake, cluster["spec"]["instances"] + 1))  # + a join/upgrade pod
    for kind in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            total = sum(_pod_needs(pod, kind, resource) * count for pod, count in pods)
            assert total <= _quantity(quota[f"{kind}.{resource}"]), (kind, resource, total)
    assert sum(count for _, count in pods) <= int(quota["pods"])


def test_cluster_scoped_kinds_are_the_only_objects_without_namespace() -> None:
    for obj in render("prod"):
        if obj["kind"] not in CLUSTER_SCOPED:
            assert obj["metadata"]["namespace"] == names.NAMESPACES["prod"]
