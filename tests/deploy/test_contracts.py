"""Contracts between the manifests and the app, and the lessons a manifest can prevent."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys

import pytest
from tests.fixtures.deploy import (
    CLUSTER_SCOPED,
    KUBE,
    Obj,
    containers,
    find,
    one,
    pod_templates,
    render,
    runs_our_image,
)

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings

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


@pytest.mark.slow  # reads the settings in a Python subprocess
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
    for overlay in ("dev", "prod", "prod-ha"):
        worker = one(render(overlay), "Deployment", names.WORKER_NAME)["spec"]["template"]
        assert [(c["name"], c["command"], c["args"]) for c in containers(worker)] == [
            (names.WORKER_CONTAINER, ["invoicetron"], ["worker"])
        ]


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
                        # Keys bootstrap writes are required; the others must be marked optional,
                        # or a pod would not start until an operator adds them.
                        optional = names.OPTIONAL_SECRET_KEYS.get(ref["name"], ())
                        if ref["key"] in optional:
                            assert ref.get("optional") is True, (name, label, ref)
                        else:
                            assert ref["key"] in names.SECRET_KEYS[ref["name"]], (name, label, ref)
                        used.add((ref["name"], ref["key"]))
    expected = {
        (secret, key)
        for table in (names.SECRET_KEYS, names.OPTIONAL_SECRET_KEYS)
        for secret, keys in table.items()
        for key in keys
    }
    assert used == expected


def test_external_secrets_write_the_runbook_secrets() -> None:
    from tests.fixtures.deploy import render_with_component

    objects = render_with_component("external-secrets")
    for secret, keys in names.SECRET_KEYS.items():
        external = one(objects, "ExternalSecret", secret)
        assert external["spec"]["target"]["name"] == secret
        assert {d["secretKey"] for d in external["spec"]["data"]} == set(keys)
        assert {d["remoteRef"]["key"] for d in external["spec"]["data"]} == {
            cluster_settings.load(KUBE).secret_item("prod")
        }
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
    seen: set[str] = set()
    for objects in (renders[source], render(f"{env}/migrate")):
        for label, pod in pod_templates(objects):
            component = pod["metadata"]["labels"].get(names.COMPONENT_LABEL)
            if component == "database" or not _reaches_db(pod):
                continue
            assert component in names.DB_CLIENTS, label
            assert _db_policy_admits(policy, pod["metadata"]["labels"]), (source, label)
            checked += 1
            seen.add(label)
    assert checked >= 3
    assert {f"Deployment/{names.APP_NAME}", f"Deployment/{names.WORKER_NAME}"} <= seen


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
    from tests.fixtures.deploy import KUBE

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
    # Every Deployment (the app and the worker) rolls out with its surge at the same moment.
    deployments = find(objects, "Deployment")
    assert {d["metadata"]["name"] for d in deployments} == {names.APP_NAME, names.WORKER_NAME}
    pods: list[tuple[Obj, int]] = [
        (
            d["spec"]["template"],
            d["spec"]["replicas"] + d["spec"]["strategy"]["rollingUpdate"]["maxSurge"],
        )
        for d in deployments
    ]
    pods.append((migrate, 1))
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


# -- the worker -----------------------------------------------------------------------------------


def _env(container: Obj) -> dict[str, str | None]:
    return {e["name"]: e.get("value") for e in container["env"]}


@pytest.mark.parametrize("overlay_name", ["dev", "prod", "prod-ha"])
def test_the_worker_is_hardened_like_the_app_and_shares_its_image_and_url(
    overlay_name: str,
) -> None:
    objects = render(overlay_name)
    app = one(objects, "Deployment", names.APP_NAME)["spec"]["template"]["spec"]
    worker = one(objects, "Deployment", names.WORKER_NAME)
    spec = worker["spec"]["template"]["spec"]
    container = spec["containers"][0]
    labels = worker["spec"]["template"]["metadata"]["labels"]

    assert labels[names.COMPONENT_LABEL] == "worker" and labels[names.PART_OF_LABEL]
    assert container["image"] == app["containers"][0]["image"]
    assert _env(container)["APP_URL"] == _env(app["containers"][0])["APP_URL"]
    assert spec["automountServiceAccountToken"] is False
    assert [s["name"] for s in spec["imagePullSecrets"]] == [names.PULL_SECRET]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert spec["terminationGracePeriodSeconds"] >= 30
    assert container["resources"]["requests"] and container["resources"]["limits"]
    # No HTTP server: no probe could avoid the database (lesson 17), so there is none.
    assert not {"livenessProbe", "readinessProbe", "startupProbe"} & set(container)
    assert "ports" not in container


def _settings() -> dict[str, str]:
    import yaml
    from tests.fixtures.deploy import KUBE

    data: dict[str, str] = yaml.safe_load((KUBE / "cluster" / "settings.yaml").read_text())["data"]
    return data


def test_the_workers_smtp_settings_come_from_the_cluster_settings() -> None:
    settings = _settings()
    worker = one(render("prod"), "Deployment", names.WORKER_NAME)["spec"]["template"]["spec"]
    env = _env(worker["containers"][0])

    assert env["EMAIL_HOST"] == settings["smtp-host"]
    assert env["EMAIL_PORT"] == settings["smtp-port"]
    assert env["EMAIL_HOST_USER"] == settings["smtp-username"]
    assert env["DEFAULT_FROM_EMAIL"] == settings["email-from"]
    assert settings["smtp-port"] in {"587", "465", "25"}


def _cilium_egress_ports(policy: Obj, entity: str) -> set[str]:
    return {
        port["port"]
        for rule in policy["spec"]["egress"]
        if entity in rule.get("toEntities", [])
        for to in rule["toPorts"]
        for port in to["ports"]
    }


@pytest.mark.parametrize("overlay_name", ["dev", "prod", "prod-ha"])
def test_the_worker_policy_opens_dns_db_smtp_and_https_only_with_cilium(
    overlay_name: str,
) -> None:
    objects = render(overlay_name)
    policy = one(objects, "CiliumNetworkPolicy", "invoicetron-worker")
    smtp = _settings()["smtp-port"]

    assert policy["spec"]["endpointSelector"]["matchLabels"][names.COMPONENT_LABEL] == "worker"
    assert policy["spec"]["ingress"] == [{}]  # default-deny, nothing admitted
    assert _cilium_egress_ports(policy, "world") == {smtp, "443"}
    peers = [r.get("toEndpoints", [{}])[0].get("matchLabels", {}) for r in policy["spec"]["egress"]]
    assert {"k8s:k8s-app": "kube-dns", "k8s:io.kubernetes.pod.namespace": "kube-system"} in peers
    assert {names.PART_OF_LABEL: "invoicetron", names.COMPONENT_LABEL: "database"} in peers
    # The app and the jobs stay inside the cluster: only the worker talks to the world.
    for other in ("invoicetron-web", "invoicetron-jobs"):
        rules = one(objects, "CiliumNetworkPolicy", other)["spec"]["egress"]
        assert "world" not in json.dumps(rules), other


def test_the_worker_policy_opens_dns_db_smtp_and_https_only_without_cilium() -> None:
    from tests.fixtures.deploy import render_with_component

    objects = render_with_component("network-policies")
    policy = one(objects, "NetworkPolicy", "invoicetron-worker")
    smtp = int(_settings()["smtp-port"])
    selected = {names.PART_OF_LABEL: "invoicetron", names.COMPONENT_LABEL: "worker"}

    assert policy["spec"]["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in policy["spec"]
    egress = policy["spec"]["egress"]
    assert egress[0]["ports"] == [{"port": names.DB_PORT, "protocol": "TCP"}]
    assert {p["port"] for p in egress[1]["ports"]} == {smtp, 443}
    assert [b["ipBlock"]["cidr"] for b in egress[1]["to"]] == ["0.0.0.0/0", "::/0"]
    # DNS comes from the shared rule; no other policy selects the worker.
    selecting = [
        p["metadata"]["name"]
        for p in find(objects, "NetworkPolicy")
        if _matches(p["spec"]["podSelector"], selected)
    ]
    assert sorted(selecting) == [
        "invoicetron-default-deny",
        "invoicetron-dns",
        "invoicetron-worker",
    ]
