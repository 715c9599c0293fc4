"""Contract: every job of .gitlab-ci.yml runs here, as GitLab would, against stand-ins.

No GitLab runner, registry or cluster is reachable, so each pipeline (a merge request, a push to
develop, then to main, then a release tag) is run job by job in stage order: `extends` resolved,
rules evaluated, variables expanded, `before_script` and `script` through bash with `set -eu -o
pipefail`, and only the variables deploy/README.md documents set. Tools are the stand-ins of
standin_ci_tools.py and tests/ops/standin_kubectl.py, plus a few plain Unix tools; a job that calls
a tool its image lacks, a Makefile target that does not exist or reads an undocumented variable
fails here.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.fixtures.deploy import KUBE, REPO, kubectl

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import cluster_settings
from invoicetron.ops.k8s.deploy import image_problem

pytestmark = pytest.mark.slow  # whole CI jobs run in bash, calling `invoicetron`

PIPELINE = yaml.safe_load((REPO / ".gitlab-ci.yml").read_text())
KEYWORDS = {"stages", "variables", "workflow", "default", "include"}
SHA = "3f9c2a17"
VERSION: str = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
# Programs of the python:*-slim images that the jobs may use as they are.
BASE_TOOLS = ("bash", "sh", "cat", "grep", "sort", "printf", "echo", "test", "env", "mkdir", "rm")
CA = "-----BEGIN CERTIFICATE-----\nMIIBstandin\n-----END CERTIFICATE-----\n"
Job = dict[str, Any]

SETTINGS = cluster_settings.load(KUBE)


def resolve(name: str) -> Job:
    """A job with its `extends` merged in as GitLab does: hashes deeply, all else replaced."""
    job = PIPELINE[name]
    parents = job.get("extends", [])
    merged: Job = {}
    for parent in [parents] if isinstance(parents, str) else parents:
        merged = deep_merge(merged, resolve(parent))
    return deep_merge(merged, {k: v for k, v in job.items() if k != "extends"})


def deep_merge(base: Job, override: Job) -> Job:
    result = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = deep_merge(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def jobs() -> dict[str, Job]:
    return {
        name: resolve(name)
        for name in PIPELINE
        if name not in KEYWORDS and not name.startswith(".")
    }


def expand(text: str, variables: dict[str, str]) -> str:
    """GitLab's expansion of $NAME and ${NAME}; a name nobody sets is an error, not ''."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in variables:
            raise AssertionError(f"{text!r} reads ${name}, which nothing sets")
        return variables[name]

    return re.sub(r"\$(?:\{(\w+)\}|(\w+))", value, text)


def rule_matches(expression: str, variables: dict[str, str]) -> bool:
    """The `if:` expressions this file uses: ==, =~ /regex/, joined by || (no && or brackets)."""
    for alternative in expression.split("||"):
        parsed = re.fullmatch(r"\s*\$(\w+)\s*(==|=~)\s*(.+?)\s*", alternative)
        assert parsed, f'rule {expression!r}: only $VAR == "x" and $VAR =~ /re/ are understood'
        left, operator, right = parsed.groups()
        actual = variables.get(left)
        if operator == "==" and actual == json.loads(right):
            return True
        if operator == "=~" and actual is not None and re.search(right.strip("/"), actual):
            return True
    return False


def runs(rules: list[Job] | None, variables: dict[str, str]) -> bool:
    return rules is None or any(rule_matches(rule["if"], variables) for rule in rules)


def documented_variables() -> set[str]:
    """The names in the first column of deploy/README.md's "CI/CD variables" table."""
    text = (REPO / "deploy" / "README.md").read_text()
    section = text.split("### CI/CD variables", 1)[1].split("\n#", 1)[0]
    found: set[str] = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            found.update(re.findall(r"`(\w+)`", line.split(" | ")[0]))
    return found


class Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == names.READINESS_PATH else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def environment_server() -> Iterator[str]:
    """A loopback server standing in for the environment's URL (verify asks /api/ready)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class Pipelines:
    """The stand-ins' shared state (registry, calls) and a checkout, for pipelines run in order."""

    def __init__(self, root: Path, url: str) -> None:
        self.root, self.url = root, url
        self.state = root / "state"
        self.bin = root / "bin"
        for directory in (self.state, self.bin, self.state / "secrets"):
            directory.mkdir(parents=True)
        self.ca = root / "kube-ca.pem"
        self.ca.write_text(CA)
        standin = (REPO / "tests" / "deploy" / "standin_ci_tools.py").read_text()
        for tool in ("apt-get", "python", "invoicetron"):
            (self.bin / tool).write_text(f"#!{sys.executable}\n{standin}")
            (self.bin / tool).chmod(0o755)
        for tool in BASE_TOOLS:
            found = shutil.which(tool)
            assert found, tool
            (self.bin / tool).symlink_to(found)
        (self.bin / "pip").symlink_to(self.bin / "python")
        # verify's jsonpath prints "<deletionTimestamp>|<image>": the rollout is done, and one
        # pod of the previous image is still terminating (phase Running until it exits).
        old, new = f"{SETTINGS.image_repository}:0ld0ld00", f"{SETTINGS.image_repository}:{SHA}"
        pods = f"2026-12-06T18:00:00Z|{old}\n|{new}\n"
        replies = {"get pods": {"stdout": pods}}
        (self.state / "canned.json").write_text(json.dumps(replies))

    def calls(self) -> list[dict[str, Any]]:
        log = self.state / "ci-calls.jsonl"
        kubectl_log = self.state / "calls.jsonl"
        found = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
        if kubectl_log.exists():
            for line in kubectl_log.read_text().splitlines():
                found.append({"tool": "kubectl", **json.loads(line)})
        return found

    def registry(self) -> list[str]:
        path = self.state / "registry.json"
        return json.loads(path.read_text())["remote"] if path.exists() else []

    def predefined(self, event: dict[str, str], checkout: Path) -> dict[str, str]:
        return {
            "CI_REGISTRY": SETTINGS.registry_server,
            "CI_REGISTRY_IMAGE": SETTINGS.image_repository,
            "CI_REGISTRY_USER": "gitlab-ci-token",
            "CI_REGISTRY_PASSWORD": "job-token-standin",
            "CI_COMMIT_SHORT_SHA": SHA,
            "CI_PROJECT_DIR": str(checkout),
            **event,
        }

    def checkout(self) -> Path:
        """A fresh checkout for one pipeline: the files the jobs read themselves."""
        checkout = self.root / f"checkout-{len(list(self.root.glob('checkout-*')))}"
        checkout.mkdir()
        for name in ("pyproject.toml", "Dockerfile", "deploy/kubernetes/cluster/settings.yaml"):
            (checkout / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(REPO / name, checkout / name)
        return checkout

    def run(self, event: dict[str, str]) -> list[str]:
        """One pipeline for `event`: the names of the jobs that ran, in order; a red job fails."""
        checkout = self.checkout()
        predefined = self.predefined(event, checkout)
        if not runs(PIPELINE["workflow"]["rules"], predefined):
            return []
        ran = []
        all_jobs = jobs()
        for stage in PIPELINE["stages"]:
            for name, job in all_jobs.items():
                if job.get("stage", "test") == stage and runs(job.get("rules"), predefined):
                    # Later stages see the dotenv reports of earlier ones, as on GitLab.
                    predefined = {**predefined, **self.run_job(name, job, predefined, checkout)}
                    ran.append(name)
        return ran

    def run_job(
        self, name: str, job: Job, predefined: dict[str, str], checkout: Path
    ) -> dict[str, str]:
        """Runs the job; returns its dotenv report's variables (none if it has no report)."""
        variables = dict(predefined)
        if "environment" in job:
            # Environment-scoped variables exist only in jobs of an environment.
            variables.update(
                KUBE_API_URL="https://api.k8s.example.test:6443",
                KUBE_TOKEN="token-standin",
                KUBE_CA=str(self.ca),
            )
            if "ENVIRONMENT_URL" in variables:
                # The environment's hostname resolves to the loopback stand-in here.
                variables["ENVIRONMENT_URL"] = self.url
        for key, value in {**PIPELINE["variables"], **job.get("variables", {})}.items():
            variables[key] = expand(str(value), variables)
        variables["CI_JOB_IMAGE"] = expand(job["image"], variables)
        expand(job.get("cache", {}).get("key", ""), variables)
        assert set(variables) - set(PIPELINE["variables"]) - set(job.get("variables", {})) <= (
            documented_variables()
        ), f"{name}: reads variables deploy/README.md does not document"
        lines = [*job.get("before_script", []), *job["script"]]
        environment = {
            **variables,
            "PATH": f"{self.bin}:{self.state / 'installed'}",
            "HOME": str(self.root),
            "STANDIN_DIR": str(self.state),
            "STANDIN_REPO": str(REPO),
            "STANDIN_PYTHON": sys.executable,
            "STANDIN_KUBECTL": (REPO / "tests" / "ops" / "standin_kubectl.py").read_text(),
            "REAL_KUBECTL": kubectl(),
        }
        done = subprocess.run(
            [str(self.bin / "bash"), "-eu", "-o", "pipefail", "-c", "\n".join(lines)],
            cwd=checkout,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        assert done.returncode == 0, f"job {name} failed:\n{done.stdout}\n{done.stderr}"
        report = job.get("artifacts", {}).get("reports", {}).get("dotenv")
        if report is None:
            return {}
        lines = (checkout / report).read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if line.strip())


@pytest.fixture
def pipelines(tmp_path: Path) -> Iterator[Pipelines]:
    with environment_server() as url:
        yield Pipelines(tmp_path, url)


def test_every_job_runs_in_each_pipeline_and_the_commits_image_is_promoted(
    pipelines: Pipelines,
) -> None:
    image = f"{SETTINGS.image_repository}:{SHA}"
    merge_request = {"CI_PIPELINE_SOURCE": "merge_request_event"}
    assert pipelines.run(merge_request) == ["lint", "test", "image-test"]
    assert pipelines.registry() == []  # a merge request's image is checked, never published
    develop = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "develop"}
    assert pipelines.run(develop) == ["lint", "test", "build", "deploy:dev", "verify:dev"]
    assert pipelines.registry() == [image]
    # main after a fast-forward merge: the same commit, so the same image, not rebuilt.
    builds_before = [c for c in pipelines.calls() if c["argv"][:1] == ["build"]]
    main = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main"}
    assert pipelines.run(main) == ["lint", "test", "build", "deploy:prod", "verify:prod"]
    assert [c for c in pipelines.calls() if c["argv"][:1] == ["build"]] == builds_before
    tag = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_TAG": f"v{VERSION}"}
    assert pipelines.run(tag) == ["lint", "test", "build", "release"]
    assert pipelines.registry() == [image, f"{SETTINGS.image_repository}:{VERSION}"]
    # Other branches run nothing.
    assert pipelines.run({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "feature"}) == []


def test_the_checks_are_the_makefile_targets_ci_run_runs(pipelines: Pipelines) -> None:
    pipelines.run({"CI_PIPELINE_SOURCE": "merge_request_event"})
    pipelines.run({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "develop"})
    targets = [c["argv"] for c in pipelines.calls() if c["tool"] == "make"]
    assert targets == [["lint"], ["test"], ["image-test"]] * 2
    # Every other tool call is plumbing: nothing runs ruff, mypy or pytest beside the Makefile.
    for call in pipelines.calls():
        assert not {"ruff", "mypy", "pytest"} & set(call["argv"]), call
    ci_run = (REPO / ".ci" / "run").read_text().splitlines()
    assert [line.split()[1:] for line in ci_run if line.startswith("make ")] == targets[:3]


def test_the_build_pushes_the_image_image_test_checked(pipelines: Pipelines) -> None:
    pipelines.run({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "develop"})
    image = f"{SETTINGS.image_repository}:{SHA}"
    build = [c for c in pipelines.calls() if c["tool"] in ("make", "podman")]
    steps = [(c["tool"], c["argv"][0] if c["tool"] == "make" else c["argv"][-1]) for c in build]
    # The real base pulled, the image built and checked as $IMAGE, and that image pushed.
    base = (REPO / "Dockerfile").read_text().split("FROM ", 1)[1].split()[0]
    assert steps[-3:] == [
        ("podman", f"docker.io/library/{base}"),
        ("make", "image-test"),
        ("podman", image),
    ]
    assert [c["argv"][0] for c in build[-3:]] == ["pull", "image-test", "push"]
    # No daemon: no job has a service (docker-in-docker), and no docker stand-in exists, so a
    # `docker` call fails the job.
    assert all("services" not in job for job in jobs().values())


def test_deploy_verifies_the_server_with_the_cluster_ca_and_rolls_out_the_commits_image(
    pipelines: Pipelines,
) -> None:
    pipelines.run({"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "develop"})
    kube = [c["argv"] for c in pipelines.calls() if c["tool"] == "kubectl"]
    set_cluster = next(argv for argv in kube if argv[:2] == ["config", "set-cluster"])
    assert any(a.startswith("--server=https://") for a in set_cluster)
    assert f"--certificate-authority={pipelines.ca}" in set_cluster
    assert "--embed-certs=true" in set_cluster
    [deploy] = [c["argv"] for c in pipelines.calls() if c["tool"] == "invoicetron"]
    image = f"{SETTINGS.image_repository}:{SHA}"
    assert deploy == ["k8s", "deploy", "--env", "dev", "--image", image, "--app-only"]
    assert image_problem(image) is None


def develop(pipelines: Pipelines) -> dict[str, str]:
    event = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "develop"}
    return pipelines.predefined(event, pipelines.root)


def test_a_job_reading_an_undocumented_variable_fails(pipelines: Pipelines) -> None:
    # The contract test's own check: the same runner turns a variable nobody sets into a red job.
    job = resolve("lint")
    job["script"] = ['echo "$KUBE_NAMESPACE_TYPO"']
    with pytest.raises(AssertionError, match="job lint failed"):
        pipelines.run_job("lint", job, develop(pipelines), pipelines.root)


def test_a_job_calling_a_missing_target_or_tool_fails(pipelines: Pipelines) -> None:
    predefined = develop(pipelines)
    for script in (["make lint-everything"], ["docker build ."], ["podman build ."]):
        job = resolve("lint")
        job["script"] = script
        with pytest.raises(AssertionError, match="job lint failed"):
            pipelines.run_job("lint", job, predefined, pipelines.root)


def test_every_documented_variable_is_read_by_the_pipeline() -> None:
    text = (REPO / ".gitlab-ci.yml").read_text()
    read = set(re.findall(r"\$\{?(\w+)", text))
    assert documented_variables() <= read


def test_the_overlays_commit_the_release_tag_of_the_current_version() -> None:
    # The committed tag is what `kubectl apply -k` rolls out: the release job of tag v<version>
    # publishes exactly that (test_every_job_runs_in_each_pipeline... runs it).
    for overlay in ("dev", "prod"):
        kustomization = yaml.safe_load(
            (KUBE / "overlays" / overlay / "environment" / "kustomization.yaml").read_text()
        )
        [entry] = kustomization["images"]
        assert entry["newName"] == SETTINGS.image_repository
        assert entry["newTag"] == VERSION, overlay
    compose = (REPO / "compose.yaml").read_text()
    assert f"{SETTINGS.image_repository}:{VERSION}" in compose


def test_a_build_without_the_real_base_image_fails(pipelines: Pipelines) -> None:
    # image-test would build on its debootstrapped stand-in base, and the job would push that.
    job = resolve("build")
    pull = 'podman pull "docker.io/library/$PYTHON_IMAGE"'
    assert any(pull in line for line in job["script"])
    job["script"] = [line.replace(pull, "true") for line in job["script"]]
    checkout = pipelines.checkout()
    with pytest.raises(AssertionError, match="not pulled"):
        pipelines.run_job("build", job, pipelines.predefined({}, checkout), checkout)
