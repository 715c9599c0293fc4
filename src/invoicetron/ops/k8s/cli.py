"""`invoicetron k8s …`: the parser. Handlers are in commands.py, the work in the other modules.

Exit status: 0 done (with --dry-run: the plan printed, nothing changed), 1 a step failed and the
message says what to do, 2 bad arguments or configuration.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

from invoicetron.ops.k8s.environments import ENVIRONMENTS
from invoicetron.ops.k8s.rollback import LEVELS

DESCRIPTION = """\
The Kubernetes runbook as commands. From the Compose VM to a running environment:

  invoicetron k8s bootstrap --env dev            namespace, Pod Security labels, the three secrets
  invoicetron k8s deploy --env dev --image REF   apply, migrate (a Job), roll out, check
  invoicetron k8s migrate-data --env dev --from postgresql://…   move the data, compare every table
  invoicetron k8s verify --env dev               the runbook's checklist, PASS/FAIL/SKIP

Every step takes --env dev|prod, your kubectl set-up (--context, --kubeconfig) and --dry-run, which
prints what would change and changes nothing. No command prints a secret value. Database steps use
the PostgreSQL 18 tools shipped with Invoicetron and reach the environment's database through
`kubectl port-forward`, unless you give a URL.
"""
RAW = argparse.RawDescriptionHelpFormatter
Handler = Callable[[argparse.Namespace], int]


def lazy(pick: Callable[[ModuleType], Handler]) -> Handler:
    """Import the handlers (and psycopg, PyYAML…) only when a k8s step runs: --help stays fast."""

    def run(args: argparse.Namespace) -> int:
        from invoicetron.ops.k8s import commands

        return pick(commands)(args)

    return run


def common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("environment and cluster")
    group.add_argument(
        "--env", choices=ENVIRONMENTS, default="dev", help="environment (default dev)"
    )
    group.add_argument("--context", help="kubectl context (default: kubectl's current context)")
    group.add_argument("--kubeconfig", help="kubeconfig file (default: kubectl's)")
    group.add_argument("--kubectl", default="kubectl", help="kubectl executable (default kubectl)")
    group.add_argument("--manifests", help="the deploy/kubernetes folder (default: found from .)")
    group.add_argument(
        "--dry-run", action="store_true", help="print what would change; change nothing"
    )
    return common


def add(
    commands: argparse._SubParsersAction,
    name: str,
    run: Handler,
    help_text: str,
    parents: list[argparse.ArgumentParser],
    epilog: str | None = None,
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        name,
        help=help_text,
        description=help_text,
        parents=parents,
        epilog=epilog,
        formatter_class=RAW,
    )
    parser.set_defaults(handler=run)
    return parser


def data_options(parser: argparse.ArgumentParser, *, url_option: str = "--database-url") -> None:
    parser.add_argument(
        url_option,
        dest="database_url",
        metavar="URL",
        help="the database to work on (default: the environment's, through kubectl port-forward)",
    )
    parser.add_argument(
        "--backup-dir", type=Path, help="where backups are kept (default: <data dir>/backups/<env>)"
    )


def overlay_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--overlay",
        help="another overlay of the environment's namespace, e.g. prod-ha with --env prod "
        "(default: the environment's own)",
    )


def confirm_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true", help="do not ask before replacing data")


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `k8s` and its steps to the `invoicetron` parser."""
    k8s = subparsers.add_parser(
        "k8s",
        help="operate on Kubernetes: bootstrap, deploy, move data, back up, verify, lint",
        description=DESCRIPTION,
        formatter_class=RAW,
    )
    steps = k8s.add_subparsers(dest="k8s_command", metavar="STEP", required=True)
    common = [common_options()]
    add_cluster_steps(steps, common)
    add_data_steps(steps, common)


def add_cluster_steps(
    steps: argparse._SubParsersAction, common: list[argparse.ArgumentParser]
) -> None:
    boot = add(
        steps,
        "bootstrap",
        lazy(lambda c: c.handler(c.cmd_bootstrap)),
        "create the namespace (Pod Security labels) and the secrets invoicetron-db, "
        "invoicetron-app and gitlab-registry; keeps complete secrets, reads every key back",
        common,
    )
    boot.add_argument(
        "--secrets",
        choices=("op", "env", "generate"),
        default="op",
        help="op: 1Password `op read` (default); env: INVOICETRON_POSTGRES_PASSWORD, "
        "INVOICETRON_SECRET_KEY, INVOICETRON_REGISTRY_PASSWORD; generate: random "
        "URL-safe values (the registry token still from the environment)",
    )
    boot.add_argument(
        "--vault", help="1Password vault (default: onepassword-vault in cluster/settings.yaml)"
    )
    boot.add_argument(
        "--item", help="1Password item (default: <env>-secret-item in cluster/settings.yaml)"
    )
    boot.add_argument(
        "--no-registry-secret", action="store_true", help="skip gitlab-registry (a public image)"
    )

    dep = add(
        steps,
        "deploy",
        lazy(lambda c: c.handler(c.cmd_deploy)),
        "render the overlay with the image pinned, apply it server-side, run the migration "
        "Job, roll out, and check the pods carry the image before /api/ready",
        common,
    )
    dep.add_argument(
        "--image", required=True, help="the image to deploy: registry/repo:tag or @sha256:…"
    )
    dep.add_argument(
        "--app-only",
        action="store_true",
        help="only the migration Job and the Deployment (what CI's Role allows)",
    )
    overlay_option(dep)
    dep.add_argument("--timeout", type=int, default=600, help="seconds per wait (default 600)")
    dep.add_argument(
        "--ready-url", help="readiness URL (default https://<internal host>/api/ready)"
    )

    ver = add(
        steps,
        "verify",
        lazy(lambda c: c.handler(c.cmd_verify)),
        "the runbook's verification checklist: PASS/FAIL/SKIP per check",
        common,
    )
    overlay_option(ver)
    ver.add_argument("--image", help="the image the app must run (default: the Deployment's)")
    ver.add_argument("--max-age-hours", type=float, default=26, help="oldest acceptable backup")

    back = add(steps, "rollback", lambda args: 2, "roll back the app or the data", common, LEVELS)
    levels = back.add_subparsers(dest="level", metavar="LEVEL", required=True)
    app = add(
        levels,
        "app",
        lazy(lambda c: c.handler(c.cmd_rollback_app)),
        "return the Deployment to its previous ReplicaSet (level 2)",
        common,
        LEVELS,
    )
    app.add_argument(
        "--to-revision", type=int, help="a revision number (default: the previous image)"
    )
    app.add_argument("--timeout", type=int, default=600)
    rdata = add(
        levels,
        "data",
        lazy(lambda c: c.handler(c.on_database(c.data.restore, "database_url"))),
        "restore a named backup after a safety backup (level 3)",
        common,
        LEVELS,
    )
    rdata.add_argument("backup", help="a backup file, or `latest`")
    data_options(rdata)
    confirm_option(rdata)

    rot = add(
        steps,
        "rotate-db-password",
        lazy(lambda c: c.handler(c.cmd_rotate)),
        "ALTER ROLE inside the database, update both secrets together, restart the app",
        common,
    )
    rot.add_argument("--database-url", help="reach the database here instead of a port-forward")
    rot.add_argument("--timeout", type=int, default=600)
    confirm_option(rot)

    doc = add(
        steps,
        "doctor",
        lazy(lambda c: c.cmd_doctor),
        "lint manifests (files, folders, Kustomize directories; default: our overlays) "
        "for every mistake of the manual deployment",
        common,
    )
    doc.add_argument("paths", nargs="*", metavar="PATH")


def add_data_steps(
    steps: argparse._SubParsersAction, common: list[argparse.ArgumentParser]
) -> None:
    mig = add(
        steps,
        "migrate-data",
        lazy(lambda c: c.handler(c.on_database(c.data.migrate_data, "database_url"))),
        "copy the old database into the environment's (pg_dump -Fc, pg_restore) with the "
        "environment's app and worker scaled to zero, compare every table, scale them back; "
        "refuses a source that is still in use",
        common,
    )
    source = mig.add_mutually_exclusive_group(required=True)
    source.add_argument("--from", dest="from_url", metavar="URL", help="the old database's URL")
    source.add_argument(
        "--from-dump",
        metavar="FILE",
        help="a pg_dump -Fc archive instead (Compose: `docker compose exec -T db pg_dump -Fc "
        "-U invoicetron invoicetron > FILE`, its port is not published)",
    )
    mig.add_argument(
        "--allow-live-source",
        action="store_true",
        help="copy even when other sessions are connected to the source or its rows change",
    )
    mig.add_argument(
        "--quiet-seconds",
        type=float,
        default=5,
        help="how long to watch the source for writes before dumping (default 5)",
    )
    data_options(mig, url_option="--to")
    confirm_option(mig)

    cmp = add(
        steps,
        "compare",
        lazy(lambda c: c.handler(c.on_database(c.data.compare_databases, "database_url"))),
        "compare every table (row counts, content checksums) of two databases",
        common,
    )
    cmp.add_argument("--from", dest="from_url", metavar="URL", required=True, help="the source")
    data_options(cmp, url_option="--to")

    backup = add(steps, "backup", lambda args: 2, "back up and check backups", common)
    actions = backup.add_subparsers(dest="action", metavar="ACTION", required=True)
    now = add(
        actions,
        "now",
        lazy(lambda c: c.handler(c.on_database(c.data.backup_now, "database_url"))),
        "pg_dump -Fc the environment's database and check the archive",
        common,
    )
    data_options(now)
    listing = add(
        actions,
        "list",
        lazy(lambda c: c.handler(c.local_step(c.data.backup_list))),
        "list the backups with their age and size",
        common,
    )
    data_options(listing)
    fetch = add(
        actions,
        "pull",
        lazy(lambda c: c.handler(c.local_step(c.data.backup_pull))),
        "copy the CronJob's dumps from the backup volume to --backup-dir (kubectl cp through a "
        "short-lived read-only pod); each copy checked with pg_restore --list",
        common,
    )
    data_options(fetch)
    check = add(
        actions,
        "verify",
        lazy(lambda c: c.handler(c.local_step(c.data.backup_verify))),
        "check a backup is readable (and the newest is recent)",
        common,
    )
    check.add_argument("file", nargs="?", default="latest", help="a backup file (default latest)")
    check.add_argument("--max-age-hours", type=float, default=26)
    data_options(check)
    drill = add(
        actions,
        "drill",
        lazy(lambda c: c.handler(c.on_database(c.data.backup_drill, "database_url"))),
        "restore the newest backup into a scratch database and compare it with the live "
        "one; report its age and size",
        common,
    )
    drill.add_argument("--max-age-hours", type=float, default=26)
    drill.add_argument("--strict", action="store_true", help="fail when live data changed since")
    drill.add_argument(
        "--admin-url",
        metavar="URL",
        help="create and drop the scratch database as this role (one with CREATEDB) when the "
        "database user lacks CREATEDB; the scratch database is owned by the database user",
    )
    data_options(drill)

    res = add(
        steps,
        "restore",
        lazy(lambda c: c.handler(c.on_database(c.data.restore, "database_url"))),
        "restore FILE or `latest` after a safety backup; compares every table",
        common,
    )
    res.add_argument("backup", help="a backup file, or `latest`")
    data_options(res)
    confirm_option(res)
