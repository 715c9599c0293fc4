"""Contract: CI's Role grants exactly what `invoicetron k8s deploy --app-only` asks kubectl to do.

No Kubernetes API server can run here, so the real command runs against the recording kubectl
stand-in (tests/ops/standin_kubectl.py) with replies under which it succeeds. Every recorded call is
mapped to the API requests kubectl makes for it — (apiGroup, resource, verb, name) — following
kubectl's source; the Role rendered from the overlays must grant each of them and nothing else.
A kubectl verb the model does not know fails the test, so a new call in deploy cannot slip past.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.fixtures.deploy import KUBE, REPO, kubectl, one, render

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings, rbac
from invoicetron.ops.k8s.rbac import Permission

pytestmark = pytest.mark.slow  # `invoicetron k8s deploy` runs as a subprocess

STANDIN = REPO / "tests" / "ops" / "standin_kubectl.py"
IMAGE_REPOSITORY = cluster_settings.load(KUBE).image_repository
PINNED = f"{IMAGE_REPOSITORY}:3f9c2a17"
OLD = f"{IMAGE_REPOSITORY}:0.1.0"
RESOURCES = {
    "secret": ("", "secrets"),
    "pod": ("", "pods"),
    "pods": ("", "pods"),
    "deployment": ("apps", "deployments"),
    "statefulset": ("apps", "statefulsets"),
    "job": ("batch", "jobs"),
}
# Objects the canned replies say exist: apply patches them and never needs to create them.
EXISTING = {("apps", "deployments", names.APP_NAME), ("apps", "deployments", names.WORKER_NAME)}
Call = dict[str, Any]


class Ready(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == names.READINESS_PATH else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "ready"}')

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def ready_server() -> Iterator[str]:
    """A loopback server whose /api/ready answers 200, standing in for the new pods."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ready)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{names.READINESS_PATH}"
    finally:
        server.shutdown()
        server.server_close()


def app_pod(image: str, container: str = names.APP_CONTAINER) -> dict[str, Any]:
    return {
        "kind": "Pod",
        "metadata": {"name": f"invoicetron-{container}-7d9f-abcde"},
        "spec": {"containers": [{"name": container, "image": image}]},
        "status": {
            "phase": "Running",
            "containerStatuses": [{"name": container, "ready": True}],
        },
    }


def live_deployment(container: str) -> dict[str, Any]:
    containers = [{"name": container, "image": OLD}]
    return {"kind": "Deployment", "spec": {"template": {"spec": {"containers": containers}}}}


def canned_replies() -> dict[str, dict[str, Any]]:
    """A cluster where the migration completes, the rollouts finish and the pods run PINNED."""
    complete = {"status": {"conditions": [{"type": "Complete", "status": "True"}]}}
    worker = f"--selector={names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=worker"
    return {
        f"get deployment {names.APP_NAME}": {
            "stdout": json.dumps(live_deployment(names.APP_CONTAINER))
        },
        f"get deployment {names.WORKER_NAME}": {
            "stdout": json.dumps(live_deployment(names.WORKER_CONTAINER))
        },
        f"get job {names.MIGRATE_JOB}": {"stdout": json.dumps(complete)},
        "get pods": {"stdout": json.dumps({"items": [app_pod(PINNED)]})},
        f"get pods {worker}": {
            "stdout": json.dumps({"items": [app_pod(PINNED, names.WORKER_CONTAINER)]})
        },
        "logs": {"stdout": "Operations to perform: nothing to migrate\n"},
    }


def standin_kubectl(directory: Path) -> Path:
    executable = directory / "kubectl"
    executable.write_text(f"#!{sys.executable}\n" + STANDIN.read_text())
    executable.chmod(executable.stat().st_mode | stat.S_IXUSR)
    (directory / "canned.json").write_text(json.dumps(canned_replies()))
    (directory / "secrets").mkdir()
    for secret in (names.PULL_SECRET, names.APP_SECRET):
        body = {"kind": "Secret", "metadata": {"name": secret}, "data": {"k": "dg=="}}
        (directory / "secrets" / secret).write_text(json.dumps(body))
    return executable


def run_app_only_deploy(
    directory: Path, ready: str
) -> tuple[subprocess.CompletedProcess[str], list[Call]]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key != "DJANGO_SETTINGS_MODULE" and "proxy" not in key.lower()
    }
    environment.update(STANDIN_DIR=str(directory), REAL_KUBECTL=kubectl())
    command = ["k8s", "deploy", "--env", "prod", "--image", PINNED, "--app-only"]
    command += [
        "--ready-url",
        ready,
        "--timeout",
        "30",
        "--manifests",
        str(REPO / "deploy/kubernetes"),
    ]
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "invoicetron",
            *command,
            "--kubectl",
            str(standin_kubectl(directory)),
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    log = directory / "calls.jsonl"
    return done, [json.loads(line) for line in log.read_text().splitlines()]


# -- what kubectl asks the API server for, per command (from kubectl's source) -------------------


def resource_of(kind: str) -> tuple[str, str]:
    assert kind.lower() in RESOURCES, f"no API resource known for kind {kind!r}: add it"
    return RESOURCES[kind.lower()]


def on(kind: str, name: str | None, *verbs: str) -> set[Permission]:
    group, resource = resource_of(kind)
    return {Permission(group, resource, verb, name) for verb in verbs}


def objects_in(stdin: str) -> list[dict[str, Any]]:
    return [o for o in yaml.safe_load_all(stdin) if o]


def apply_needs(flags: list[str], stdin: str) -> set[Permission]:
    """Server-side apply is a PATCH; creating a missing object that way also needs create."""
    assert "--server-side" in flags, "client-side apply also reads (get) the object: model it"
    found: set[Permission] = set()
    for obj in objects_in(stdin):
        group, resource = resource_of(obj["kind"])
        name = obj["metadata"]["name"]
        found |= on(obj["kind"], name, "patch")
        if (group, resource, name) not in EXISTING:
            found |= on(obj["kind"], None, "create")
    return found


def get_needs(words: list[str]) -> set[Permission]:
    # `get KIND NAME` is a GET; `get KIND --selector=…` a LIST.
    return on(words[1], words[2], "get") if len(words) > 2 else on(words[1], None, "list")


def delete_needs(words: list[str], flags: list[str]) -> set[Permission]:
    # --wait (kubectl's default) GETs the object, then LISTs+WATCHes it by metadata.name.
    waits = "--wait=false" not in flags
    return on(words[1], words[2], "delete", *(("get", "list", "watch") if waits else ()))


def logs_needs(words: list[str]) -> set[Permission]:
    # `logs job/NAME`: GET the Job, LIST then WATCH its pods by label for the first one, read
    # pods/log of that pod (a name kubectl learns only then).
    kind, name = words[1].split("/", 1)
    return (
        on(kind, name, "get")
        | on("pods", None, "list", "watch")
        | {Permission("", "pods/log", "get")}
    )


def rollout_status_needs(words: list[str]) -> set[Permission]:
    # GET the object, then LIST+WATCH it with a metadata.name field selector; the status viewers
    # of Deployments and StatefulSets read only the object's own status.
    assert words[1] == "status", f"no permission model for `kubectl rollout {words[1]}`"
    kind, name = words[2].split("/", 1)
    return on(kind, name, "get", "list", "watch")


def needs_of(call: Call) -> set[Permission]:
    argv: list[str] = call["argv"]
    words = [a for a in argv if not a.startswith("-")]
    flags = [a for a in argv if a.startswith("-")]
    verb = words[0]
    if verb == "kustomize":
        return set()  # rendered locally, no API request
    if verb == "get":
        return get_needs(words)
    if verb == "apply":
        return apply_needs(flags, call["stdin"])
    if verb == "create":
        return {p for o in objects_in(call["stdin"]) for p in on(o["kind"], None, "create")}
    if verb == "delete":
        return delete_needs(words, flags)
    if verb == "logs":
        return logs_needs(words)
    if verb == "rollout":
        return rollout_status_needs(words)
    raise AssertionError(f"no permission model for `kubectl {verb}`: add one to this test")


# -- the contract ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def recorded(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], list[Call]]:
    with ready_server() as url:
        return run_app_only_deploy(tmp_path_factory.mktemp("standin"), url)


def needs(calls: list[Call]) -> set[Permission]:
    return {p for call in calls for p in needs_of(call)}


def test_app_only_deploy_succeeds_against_the_standin_with_every_step_recorded(
    recorded: tuple[subprocess.CompletedProcess[str], list[Call]],
) -> None:
    done, calls = recorded

    assert done.returncode == 0, done.stderr
    assert f"every running worker pod carries {PINNED}" in done.stdout
    assert f"every running app pod carries {PINNED}" in done.stdout
    assert "answers 200: deployed" in done.stdout
    shown = [" ".join(a for a in c["argv"] if not a.startswith("-")) for c in calls]
    assert [s for s in shown if not s.startswith("kustomize ")] == [
        f"get secret {names.PULL_SECRET}",
        f"get secret {names.APP_SECRET}",
        f"get deployment {names.APP_NAME}",
        f"get deployment {names.WORKER_NAME}",
        f"rollout status statefulset/{names.DB_NAME}",
        f"delete job {names.MIGRATE_JOB}",
        "create",
        f"logs job/{names.MIGRATE_JOB}",
        f"get job {names.MIGRATE_JOB}",
        "apply",
        f"rollout status deployment/{names.APP_NAME}",
        f"rollout status deployment/{names.WORKER_NAME}",
        "get pods",
        "get pods",
    ]


def test_app_only_applies_the_app_and_the_worker_together_after_the_migration_job(
    recorded: tuple[subprocess.CompletedProcess[str], list[Call]],
) -> None:
    calls = recorded[1]
    verbs = [next(a for a in c["argv"] if not a.startswith("-")) for c in calls]
    applies = [c for c in calls if c["argv"][0] == "apply"]

    assert len(applies) == 1
    applied = objects_in(applies[0]["stdin"])
    assert [(o["kind"], o["metadata"]["name"]) for o in applied] == [
        ("Deployment", names.APP_NAME),
        ("Deployment", names.WORKER_NAME),
    ]
    images = {
        c["name"]: c["image"] for o in applied for c in o["spec"]["template"]["spec"]["containers"]
    }
    assert images == {names.APP_CONTAINER: PINNED, names.WORKER_CONTAINER: PINNED}
    assert verbs.index("create") < verbs.index("apply")  # the migration Job first
    selectors = [a for c in calls if c["argv"][:2] == ["get", "pods"] for a in c["argv"]]
    assert f"--selector={names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=worker" in (
        selectors
    )


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_ci_role_grants_every_request_app_only_deploy_makes(
    recorded: tuple[subprocess.CompletedProcess[str], list[Call]], overlay: str
) -> None:
    role = one(render(overlay), "Role", names.DEPLOY_SERVICE_ACCOUNT)

    lacking = rbac.missing(role["rules"], sorted(needs(recorded[1])))

    assert lacking == [], "the Role lacks: " + ", ".join(map(str, lacking))


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_the_ci_role_grants_nothing_app_only_deploy_does_not_use(
    recorded: tuple[subprocess.CompletedProcess[str], list[Call]], overlay: str
) -> None:
    role = one(render(overlay), "Role", names.DEPLOY_SERVICE_ACCOUNT)

    extra = rbac.unused(role["rules"], needs(recorded[1]))

    assert extra == [], "the Role grants unused: " + ", ".join(map(str, extra))


def test_doctors_list_of_what_deploy_needs_is_what_deploy_does(
    recorded: tuple[subprocess.CompletedProcess[str], list[Call]],
) -> None:
    assert set(rbac.DEPLOY_APP_ONLY) == needs(recorded[1])


def test_server_side_apply_of_an_object_that_may_not_exist_needs_create_too() -> None:
    job = yaml.safe_dump({"kind": "Job", "metadata": {"name": names.MIGRATE_JOB}})

    found = needs_of({"argv": ["apply", "--filename=-", "--server-side"], "stdin": job})

    assert found == {
        Permission("batch", "jobs", "patch", names.MIGRATE_JOB),
        Permission("batch", "jobs", "create"),
    }


def test_a_kubectl_verb_without_a_permission_model_fails_the_contract() -> None:
    with pytest.raises(AssertionError, match="no permission model for `kubectl exec`"):
        needs_of({"argv": ["exec", "invoicetron-db-0", "--", "psql"], "stdin": ""})
