"""The cluster-side steps of each command: fetch with kubectl, decide with the pure modules, act.

Every function takes the Kubectl adapter and a `say` callback for progress; failures raise
StepFailed with a message that says what to do. Secret values pass through here but are never
printed: only names, keys and verdicts are.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import bootstrap, bootstrap_checks, deploy, takeover, verify
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s import secrets as s
from invoicetron.ops.k8s.environments import Environment
from invoicetron.ops.k8s.kubectl import Kubectl
from invoicetron.ops.k8s.manifests import Obj

Say = Callable[[str], None]


class StepFailed(RuntimeError):
    pass


def live_secrets(kubectl: Kubectl, namespace: str) -> dict[str, Obj | None]:
    return {name: kubectl.get("secret", name, namespace) for name in s.SECRET_NAMES}


def render(kubectl: Kubectl, path: str) -> list[Obj]:
    return m.parse(kubectl.kustomize(path), path)


# -- bootstrap -------------------------------------------------------------------------------------


def run_bootstrap(
    kubectl: Kubectl, env: Environment, source: s.Source, say: Say, *, dry_run: bool, registry: bool
) -> None:
    rendered = render(kubectl, str(env.overlay))
    desired = bootstrap.desired_namespace(rendered, env.namespace)
    live_namespace = kubectl.get("namespace", env.namespace)
    changes = bootstrap.namespace_changes(desired, live_namespace)
    for change in changes or [f"namespace {env.namespace}: labels already as wanted"]:
        say(("would " if dry_run and changes else "") + change)
    for warning in bootstrap_checks.gather(kubectl, env, rendered, live_namespace is not None):
        say(warning)
    if changes and not dry_run:
        kubectl.apply(m.dump([desired]))
    live = live_secrets(kubectl, env.namespace)
    steps = bootstrap.plan_secrets(live, registry=registry)
    for step in steps:
        verb = {"create": "create", "keep": "keep", "refuse": "REFUSE"}[step.action]
        origin = f" from {source.description}" if step.action == "create" else ""
        say(
            f"{'would ' if dry_run and step.action == 'create' else ''}{verb} secret "
            f"{step.name}{origin}: {step.reason}"
        )
    refused = [step for step in steps if step.action == "refuse"]
    if refused:
        raise StepFailed("; ".join(f"{step.name}: {step.reason}" for step in refused))
    if dry_run:
        return
    objects = bootstrap.build_secrets(
        steps,
        live,
        env.namespace,
        source,
        registry_server=env.settings.registry_server,
        registry_username=env.settings.registry_username,
    )
    if objects:
        kubectl.apply(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    problems = bootstrap.readback_problems(live_secrets(kubectl, env.namespace), registry=registry)
    if problems:
        raise StepFailed("read back after writing: " + "; ".join(problems))
    say("read back every key of every secret: all present and non-empty")


# -- deploy ----------------------------------------------------------------------------------------


def run_deploy(
    kubectl: Kubectl,
    env: Environment,
    image: str,
    say: Say,
    *,
    dry_run: bool,
    app_only: bool,
    timeout: int,
    ready_url: str,
) -> None:
    problem = deploy.image_problem(image)
    if problem:
        raise StepFailed(problem)
    for name in (names.PULL_SECRET, names.APP_SECRET):
        if kubectl.get("secret", name, env.namespace) is None:
            raise StepFailed(
                f"secret {name} is missing in {env.namespace}: run `invoicetron k8s bootstrap "
                f"--env {env.name}` first"
            )
    live = kubectl.get("deployment", names.APP_NAME, env.namespace)
    live_worker = kubectl.get("deployment", names.WORKER_NAME, env.namespace)
    rendered = render(kubectl, str(env.overlay))
    plan = deploy.plan_deploy(
        rendered,
        render(kubectl, str(env.migrate_overlay)),
        image,
        live,
        env.namespace,
        app_only=app_only,
        live_worker=live_worker,
    )
    cnpg = deploy.cnpg_cluster(rendered) is not None
    ours = deploy.cnpg_cluster(plan.infrastructure)
    if ours is not None:
        live_cluster = kubectl.get(deploy.CNPG_RESOURCE, names.DB_NAME, env.namespace)
        note = deploy.keep_instances(ours, live_cluster)
        plan.notes += [note] if note else []
    known = {("Deployment", names.APP_NAME): live, ("Deployment", names.WORKER_NAME): live_worker}
    taking_over = takeover_plan(kubectl, env, rendered, known, app_only=app_only)
    for line in plan.describe() + taking_over.describe():
        say(line)
    if dry_run:
        return
    takeover.prepare(kubectl, taking_over, env.namespace)
    if plan.infrastructure:
        say("applying the environment (server-side)…")
        kubectl.apply(m.dump(plan.infrastructure))
    wait_for_database(kubectl, env, say, timeout, cnpg=cnpg)
    run_migration(kubectl, env, plan.migrate_job, say, timeout)
    for replaced in taking_over.of("Deployment"):
        say(f"deleting {replaced.ref} --cascade=orphan: its pods keep serving until ours are ready")
        takeover.orphan(kubectl, replaced, env.namespace)
    # The app and the worker only now, together: neither runs the new code before its migrations.
    say(f"rolling out {image} (app and worker)…")
    kubectl.apply(m.dump(plan.workloads))
    kubectl.rollout_status("deployment", names.APP_NAME, env.namespace, timeout)
    kubectl.rollout_status("deployment", names.WORKER_NAME, env.namespace, timeout)
    for removed in takeover.remove_old_replicasets(kubectl, taking_over, env.namespace):
        say(f"deleted the replaced Deployment's replicaset/{removed} and its pods")
    check_worker_pods(kubectl, env, image, say)
    check_pods_then_ready(kubectl, env, image, ready_url, say, timeout=min(timeout, 120))


def takeover_plan(
    kubectl: Kubectl,
    env: Environment,
    rendered: list[Obj],
    known: dict[tuple[str, str], Obj | None],
    *,
    app_only: bool,
) -> takeover.TakeoverPlan:
    """Objects whose immutable selectors differ from ours (an installation made by the runbook)."""
    kinds = ("Deployment",) if app_only else (*takeover.WORKLOADS, "Service")
    candidates = [o for o in rendered if m.kind(o) in kinds]
    live = {
        key: known[key] if key in known else kubectl.get(key[0].lower(), key[1], env.namespace)
        for key in ((m.kind(o), m.name(o)) for o in candidates)
    }
    # The claims are only listed to show which volumes a replaced StatefulSet keeps.
    has_statefulset = any(kind == "StatefulSet" and obj for (kind, _), obj in live.items())
    claims = kubectl.list("pvc", env.namespace) if has_statefulset else []
    plan = takeover.plan_takeover(candidates, live, claims)
    if app_only and not plan.empty:
        raise StepFailed(
            "the live Deployments select other labels than ours (an installation made by hand): "
            "run the full `invoicetron k8s deploy` once with an administrator's credentials, "
            "which replaces them safely (see deploy/README.md, taking over)"
        )
    return plan


def wait_for_database(
    kubectl: Kubectl, env: Environment, say: Say, timeout: int, *, cnpg: bool
) -> None:
    if not cnpg:
        say(f"waiting for the database (statefulset/{names.DB_NAME})…")
        kubectl.rollout_status("statefulset", names.DB_NAME, env.namespace, timeout)
        return
    # CloudNativePG makes no StatefulSet; its Cluster says Ready once every instance is.
    say(f"waiting for the database ({deploy.CNPG_RESOURCE}/{names.DB_NAME} Ready)…")
    kubectl.run(
        "wait",
        f"{deploy.CNPG_RESOURCE}/{names.DB_NAME}",
        "--for=condition=Ready",
        f"--namespace={env.namespace}",
        f"--timeout={timeout}s",
        timeout=timeout + 30,
    )


def run_migration(kubectl: Kubectl, env: Environment, job: Obj, say: Say, timeout: int) -> None:
    kubectl.delete("job", names.MIGRATE_JOB, env.namespace)
    kubectl.create(m.dump([job]))
    say(f"job/{names.MIGRATE_JOB} started; its logs follow")
    kubectl.stream(
        "logs",
        f"job/{names.MIGRATE_JOB}",
        f"--namespace={env.namespace}",
        "--follow",
        "--pod-running-timeout=5m",
    )
    outcome = wait_for_job(kubectl, env.namespace, timeout)
    if outcome != "succeeded":
        raise StepFailed(
            f"the migration Job {outcome} (logs above; again with `kubectl logs "
            f"job/{names.MIGRATE_JOB} -n {env.namespace}`). Nothing was rolled out: the old "
            "version keeps serving."
        )
    say("migrations applied")


def wait_for_job(kubectl: Kubectl, namespace: str, timeout: int) -> str:
    deadline = time.monotonic() + timeout
    while True:
        outcome = deploy.job_outcome(kubectl.get("job", names.MIGRATE_JOB, namespace))
        if outcome != "running" or time.monotonic() > deadline:
            return outcome if outcome != "running" else "did not finish in time"
        time.sleep(2)


APP_SELECTOR = f"{names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=web"
WORKER_SELECTOR = f"{names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=worker"


def check_worker_pods(kubectl: Kubectl, env: Environment, image: str, say: Say) -> None:
    """Lesson 20 for the worker: every running worker pod carries the new image."""
    problems = deploy.pod_image_problems(
        kubectl.list("pods", env.namespace, WORKER_SELECTOR),
        image,
        names.WORKER_CONTAINER,
        "worker",
    )
    if problems:
        raise StepFailed(
            "the worker's rollout finished but "
            + "; ".join(problems)
            + f" (`kubectl logs deployment/{names.WORKER_NAME} -n {env.namespace}`)"
        )
    say(f"every running worker pod carries {image}")


def check_pods_then_ready(
    kubectl: Kubectl, env: Environment, image: str, ready_url: str, say: Say, *, timeout: int
) -> None:
    """Lesson 20: first the pods must carry the new image; only then does /api/ready count."""
    problems = deploy.pod_image_problems(kubectl.list("pods", env.namespace, APP_SELECTOR), image)
    if problems:
        raise StepFailed("the rollout finished but " + "; ".join(problems))
    say(f"every running app pod carries {image}")
    deadline = time.monotonic() + timeout
    while True:
        result = http_get(ready_url)
        if result.status == 200:
            say(f"{ready_url} answers 200: deployed")
            return
        if time.monotonic() > deadline:
            raise StepFailed(
                f"{ready_url} answers {result.status or result.error}; check "
                f"`kubectl logs deployment/{names.APP_NAME} -n {env.namespace}`"
            )
        time.sleep(3)


# -- HTTP ------------------------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def http_get(url: str) -> verify.HttpResult:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            body = response.read(65536).decode(errors="replace")
            return verify.HttpResult(response.status, response.headers.get("Location", ""), body)
    except urllib.error.HTTPError as error:
        # The body tells the app's own error pages from the access provider's (verify).
        body = error.read(65536).decode(errors="replace")
        return verify.HttpResult(error.code, error.headers.get("Location", ""), body)
    except (OSError, ValueError) as error:
        return verify.HttpResult(None, error=str(error))


# -- database access -------------------------------------------------------------------------------


@contextmanager
def environment_database(kubectl: Kubectl, env: Environment, url: str | None) -> Iterator[str]:
    """A URL for the environment's database: ``url`` if given, else through a port-forward."""
    if url:
        yield url
        return
    secret = kubectl.get("secret", names.DB_SECRET, env.namespace)
    password = s.decoded(secret or {}).get(names.DB_PASSWORD_KEY, "")
    if not password:
        raise StepFailed(f"secret {names.DB_SECRET} has no password in {env.namespace}")
    with kubectl.port_forward(f"svc/{names.DB_NAME}", env.namespace, names.DB_PORT) as port:
        yield (
            f"postgresql://{names.DB_USER}:{quote(password, safe='')}@127.0.0.1:{port}/"
            f"{names.DB_DATABASE}"
        )


def count_users(
    kubectl: Kubectl, env: Environment, pod: str = f"{names.DB_NAME}-0", user: str = names.DB_USER
) -> tuple[int | None, str]:
    """Accounts in the environment's database, counted by psql inside the database pod.

    ``pod`` is the StatefulSet's only pod, or CloudNativePG's current primary (prod-ha), whose
    local socket admits only the `postgres` user (peer authentication).
    """
    try:
        output = kubectl.exec(
            pod,
            env.namespace,
            [
                "psql",
                "-U",
                user,
                "-d",
                names.DB_DATABASE,
                "-tAc",
                "SELECT count(*) FROM accounts_user",
            ],
        )
        return int(output.strip()), ""
    except (RuntimeError, ValueError) as error:
        return None, str(error)


# -- verify ----------------------------------------------------------------------------------------


def gather_checks(
    kubectl: Kubectl, env: Environment, image: str | None, max_backup_age: timedelta
) -> list[verify.Check]:
    ns = env.namespace
    rendered = render(kubectl, str(env.overlay))
    desired = bootstrap.desired_namespace(rendered, ns)
    checks = [verify.namespace_check(kubectl.get("namespace", ns), desired)]
    database_pod, database_user = f"{names.DB_NAME}-0", names.DB_USER
    if deploy.cnpg_cluster(rendered) is None:
        checks += verify.database_check(
            kubectl.get("statefulset", names.DB_NAME, ns), kubectl.list("pvc", ns)
        )
    else:
        cluster = kubectl.get(deploy.CNPG_RESOURCE, names.DB_NAME, ns)
        instances = kubectl.list("pods", ns, f"{deploy.CNPG_CLUSTER_LABEL}={names.DB_NAME}")
        checks += verify.cnpg_database_check(cluster, instances, kubectl.list("pvc", ns))
        primary = ((cluster or {}).get("status") or {}).get("currentPrimary")
        database_pod, database_user = primary or database_pod, "postgres"
    deployment = kubectl.get("deployment", names.APP_NAME, ns)
    app = verify.app_check(deployment, kubectl.list("pods", ns, APP_SELECTOR), image)
    checks.append(app)
    worker = kubectl.get("deployment", names.WORKER_NAME, ns)
    expected = image or m.container_image(deployment, names.APP_CONTAINER)
    checks.append(verify.worker_check(worker, kubectl.list("pods", ns, WORKER_SELECTOR), expected))
    secrets = live_secrets(kubectl, ns)
    checks.append(verify.secrets_check(secrets))
    live_image = image or m.container_image(deployment, names.APP_CONTAINER)
    checks.append(verify.pull_secret_check(secrets.get(names.PULL_SECRET), live_image))
    checks.append(verify.route_check(kubectl.get("httproute", names.APP_NAME, ns)))
    checks += url_checks(env, app.status == verify.PASS)
    checks.append(verify.data_check(*count_users(kubectl, env, database_pod, database_user)))
    cronjob = kubectl.get("cronjob", names.BACKUP_CRONJOB, ns)
    checks.append(verify.backup_check(cronjob, datetime.now(UTC), max_backup_age))
    return checks


def url_checks(env: Environment, app_ok: bool) -> list[verify.Check]:
    if not app_ok:
        reason = "the app pods are not on the expected image: health would test the old version"
        return [verify.Check(f"{url} health and sign-in", verify.SKIP, reason) for url in env.urls]
    checks = [
        verify.http_check(
            f"{env.internal_url}/api/health", http_get(f"{env.internal_url}/api/health"), 200
        ),
        verify.http_check(
            f"{env.internal_url} sign-in page",
            http_get(f"{env.internal_url}/accounts/login/"),
            200,
            "password",
        ),
    ]
    if env.public_url:
        checks.append(verify.access_check(env.public_url, http_get(env.public_url)))
        link = f"{env.public_url}{verify.UNKNOWN_PUBLIC_LINK}"
        page = http_get(link)
        checks.append(verify.public_link_check(link, page))
        stylesheet = verify.stylesheet_path(page)
        if stylesheet:
            asset = f"{env.public_url}{stylesheet}"
            checks.append(verify.public_stylesheet_check(asset, http_get(asset)))
    return checks
