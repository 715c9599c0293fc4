"""The handlers of `invoicetron k8s …`: they tie the steps together (the parser is in cli.py).

Exit status: 0 done (or, with --dry-run, the plan printed), 1 a step failed (the message says what
to do), 2 bad arguments. Progress and results go to standard output, errors to standard error.
"""

from __future__ import annotations

import argparse
import dataclasses
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from invoicetron.ops import k8s_names as names
from invoicetron.ops.k8s import (
    data,
    database,
    doctor,
    external_secrets,
    rollback,
    verify,
    workflows,
)
from invoicetron.ops.k8s import manifests as m
from invoicetron.ops.k8s import secrets as s
from invoicetron.ops.k8s.deploy import DeployRefused
from invoicetron.ops.k8s.environments import Environment, environment, find_manifests
from invoicetron.ops.k8s.kubectl import Kubectl, KubectlError
from invoicetron.ops.k8s.manifests import ManifestError
from invoicetron.ops.setup import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, CommandFailed


def say(message: str) -> None:
    print(message, flush=True)


def handler(function: Callable[[argparse.Namespace], None]) -> Callable[[argparse.Namespace], int]:
    """Run a step; turn the failures it explains into CommandFailed (exit 1)."""

    def run(args: argparse.Namespace) -> int:
        try:
            function(args)
        except (
            workflows.StepFailed,
            KubectlError,
            database.DatabaseError,
            s.SecretProblem,
            DeployRefused,
            ManifestError,
            ValueError,
        ) as error:
            raise CommandFailed(str(error), EXIT_FAILED) from None
        return EXIT_OK

    return run


def kubectl_for(args: argparse.Namespace) -> Kubectl:
    return Kubectl(executable=args.kubectl, context=args.context, kubeconfig=args.kubeconfig)


def env_for(args: argparse.Namespace) -> Environment:
    manifests = Path(args.manifests) if args.manifests else find_manifests(Path.cwd())
    if manifests is None:
        raise CommandFailed(
            "deploy/kubernetes not found here or above: run from a checkout of Invoicetron or "
            "pass --manifests DIR",
            EXIT_CONFIG,
        )
    env = environment(args.env, manifests)
    overlay = getattr(args, "overlay", None)
    if overlay:
        # prod-ha runs in prod's namespace with prod's hostnames: only the manifests differ.
        if not (manifests / "overlays" / overlay / "kustomization.yaml").is_file():
            raise CommandFailed(f"no overlay {overlay!r} in {manifests / 'overlays'}", EXIT_CONFIG)
        env = dataclasses.replace(env, overlay=manifests / "overlays" / overlay)
    return env


# -- cluster steps ---------------------------------------------------------------------------------


def cmd_bootstrap(args: argparse.Namespace) -> None:
    env = env_for(args)
    sources: dict[str, s.Source] = {
        "op": s.OnePassword(
            item=args.item or env.secret_item,
            vault=args.vault or env.settings.onepassword_vault,
            token_item=env.settings.registry_token_item,
        ),
        "env": s.EnvironmentVariables(),
        "generate": s.Generated(),
    }
    workflows.run_bootstrap(
        kubectl_for(args),
        env,
        sources[args.secrets],
        say,
        dry_run=args.dry_run,
        registry=not args.no_registry_secret,
    )


def cmd_deploy(args: argparse.Namespace) -> None:
    env = env_for(args)
    workflows.run_deploy(
        kubectl_for(args),
        env,
        args.image,
        say,
        dry_run=args.dry_run,
        app_only=args.app_only,
        timeout=args.timeout,
        ready_url=args.ready_url or f"{env.internal_url}{names.READINESS_PATH}",
    )


def cmd_verify(args: argparse.Namespace) -> None:
    env = env_for(args)
    checks = workflows.gather_checks(
        kubectl_for(args), env, args.image, timedelta(hours=args.max_age_hours)
    )
    say(verify.format_checks(checks))
    if verify.failed(checks):
        raise workflows.StepFailed("verification failed (FAIL lines above)")


def cmd_rollback_app(args: argparse.Namespace) -> None:
    env, kubectl = env_for(args), kubectl_for(args)
    deployment = kubectl.get("deployment", names.APP_NAME, env.namespace)
    if deployment is None:
        raise workflows.StepFailed(f"no deployment/{names.APP_NAME} in {env.namespace}")
    selector = f"{names.NAME_LABEL}={names.APP_NAME},{names.COMPONENT_LABEL}=web"
    history = rollback.revisions(
        kubectl.list("replicasets", env.namespace, selector),
        (deployment.get("metadata") or {}).get("uid"),
    )
    target = rollback.rollback_target(history, args.to_revision)
    say(f"current: revision {history[-1].number} ({history[-1].image})")
    say(
        f"{'would return' if args.dry_run else 'returning'} to revision {target.number} "
        f"({target.image})"
    )
    if args.dry_run:
        return
    kubectl.run(
        "rollout",
        "undo",
        f"deployment/{names.APP_NAME}",
        f"--namespace={env.namespace}",
        f"--to-revision={target.number}",
    )
    kubectl.rollout_status("deployment", names.APP_NAME, env.namespace, args.timeout)
    rollback_worker(kubectl, env, target.image, args.timeout)
    workflows.check_pods_then_ready(
        kubectl,
        env,
        target.image or "",
        f"{env.internal_url}{names.READINESS_PATH}",
        say,
        timeout=120,
    )


def rollback_worker(kubectl: Kubectl, env: Environment, image: str | None, timeout: int) -> None:
    """The worker follows the app back to the same image, so both run the same code."""
    worker = kubectl.get("deployment", names.WORKER_NAME, env.namespace)
    if worker is None or not image:
        say(f"no deployment/{names.WORKER_NAME} to return with it")
        return
    if m.container_image(worker, names.WORKER_CONTAINER) == image:
        say(f"deployment/{names.WORKER_NAME} already runs {image}")
        return
    history = rollback.revisions(
        kubectl.list("replicasets", env.namespace, workflows.WORKER_SELECTOR),
        (worker.get("metadata") or {}).get("uid"),
        names.WORKER_CONTAINER,
    )
    match = rollback.revision_with_image(history, image)
    if match is None:
        raise workflows.StepFailed(
            f"the app is back on {image}, but deployment/{names.WORKER_NAME} has no revision "
            f"with that image: run `invoicetron k8s deploy --env {env.name} --image {image}` to "
            "put both on it"
        )
    say(f"returning deployment/{names.WORKER_NAME} to revision {match.number} ({image})")
    kubectl.run(
        "rollout",
        "undo",
        f"deployment/{names.WORKER_NAME}",
        f"--namespace={env.namespace}",
        f"--to-revision={match.number}",
    )
    kubectl.rollout_status("deployment", names.WORKER_NAME, env.namespace, timeout)
    workflows.check_worker_pods(kubectl, env, image, say)


def cmd_rotate(args: argparse.Namespace) -> None:
    env, kubectl = env_for(args), kubectl_for(args)
    db, app = (kubectl.get("secret", n, env.namespace) for n in (names.DB_SECRET, names.APP_SECRET))
    if not db or not app:
        raise workflows.StepFailed("the secrets are missing: run `invoicetron k8s bootstrap`")
    refusal = external_secrets.refusal_for(
        kubectl, env.namespace, {names.DB_SECRET: db, names.APP_SECRET: app}
    )
    if refusal:
        raise workflows.StepFailed(refusal)
    for line in (
        f"1. ALTER ROLE {names.DB_USER} with a new generated password (inside the database)",
        f"2. write it to {names.DB_SECRET}/{names.DB_PASSWORD_KEY} and "
        f"{names.APP_SECRET}/{names.DATABASE_URL_KEY} together, and read both back",
        f"3. restart deployment/{names.APP_NAME} and deployment/{names.WORKER_NAME} so they "
        "connect with the new password",
    ):
        say(("would: " if args.dry_run else "") + line)
    if args.dry_run:
        return
    if env.name == "prod":
        data.confirm(args, env, "This changes the production database password")
    old = s.decoded(db)[names.DB_PASSWORD_KEY]
    new = secrets.token_urlsafe(32)
    with workflows.environment_database(kubectl, env, args.database_url) as url:
        database.set_password(url, names.DB_USER, new)
        if not database.can_connect(with_password(url, new)):
            database.set_password(url, names.DB_USER, old)
            raise workflows.StepFailed("the new password did not work; the old one is back")
        try:
            write_rotated_secrets(kubectl, env, db, app, new)
        except (KubectlError, workflows.StepFailed):
            database.set_password(with_password(url, new), names.DB_USER, old)
            raise
    say("database and secrets carry the new password")
    # Both read DATABASE_URL at start only: the worker's next connection would use the old one.
    restarted = [
        deployment
        for deployment in (names.APP_NAME, names.WORKER_NAME)
        if deployment == names.APP_NAME or kubectl.get("deployment", deployment, env.namespace)
    ]
    for deployment in restarted:
        kubectl.run(
            "rollout", "restart", f"deployment/{deployment}", f"--namespace={env.namespace}"
        )
    for deployment in restarted:
        kubectl.rollout_status("deployment", deployment, env.namespace, args.timeout)
    say(" and ".join(restarted) + " restarted with the new password")


def with_password(url: str, password: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    user = parts.username or names.DB_USER
    return urlunsplit(parts._replace(netloc=f"{user}:{quote(password, safe='')}@{host}"))


def write_rotated_secrets(
    kubectl: Kubectl, env: Environment, db: dict, app: dict, password: str
) -> None:
    import json

    values = s.decoded(app)
    objects = [
        s.secret_object(names.DB_SECRET, env.namespace, {names.DB_PASSWORD_KEY: password}),
        s.secret_object(
            names.APP_SECRET,
            env.namespace,
            {
                # Every other key (the SMTP password, say) stays as it was.
                **values,
                names.DATABASE_URL_KEY: s.database_url(password),
                names.SECRET_KEY_KEY: values.get(names.SECRET_KEY_KEY, ""),
            },
        ),
    ]
    kubectl.apply(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    live = workflows.live_secrets(kubectl, env.namespace)
    problems = [p for n in (names.DB_SECRET, names.APP_SECRET) for p in s.problems(n, live[n])]
    problems += s.consistency_problems(live[names.DB_SECRET], live[names.APP_SECRET])
    if s.decoded(live[names.DB_SECRET] or {}).get(names.DB_PASSWORD_KEY) != password:
        problems.append(f"{names.DB_SECRET} does not hold the new password after writing")
    if problems:
        raise workflows.StepFailed("read back after writing: " + "; ".join(problems))


def cmd_doctor(args: argparse.Namespace) -> int:
    try:
        kubectl = kubectl_for(args)
        paths = [Path(p) for p in args.paths]
        if not paths:
            manifests = Path(args.manifests) if args.manifests else find_manifests(Path.cwd())
            paths = doctor.default_paths(manifests) if manifests else []
        if not paths:
            raise CommandFailed("nothing to lint: pass a file, a folder or a Kustomize directory")
        cluster = None
        if args.context or args.kubeconfig:
            cluster = doctor.cluster_namespaces(kubectl)
        results = doctor.diagnose(paths, kubectl, cluster)
    except (KubectlError, ManifestError) as error:
        raise CommandFailed(str(error)) from None
    for path, findings in results.items():
        say(doctor.format_findings(path, findings))
    errors = any(f.severity == "error" for findings in results.values() for f in findings)
    return EXIT_FAILED if errors else EXIT_OK


# -- data steps ------------------------------------------------------------------------------------


def on_database(
    step: Callable[[argparse.Namespace, Environment, str, workflows.Say], None], option: str
) -> Callable[[argparse.Namespace], None]:
    """Run a data step against the environment's database (or the URL in ``option``)."""

    def run(args: argparse.Namespace) -> None:
        env = env_for(args)
        with workflows.environment_database(kubectl_for(args), env, getattr(args, option)) as url:
            step(args, env, url, say)

    return run


def local_step(
    step: Callable[[argparse.Namespace, Environment, workflows.Say], None],
) -> Callable[[argparse.Namespace], None]:
    return lambda args: step(args, env_for(args), say)
