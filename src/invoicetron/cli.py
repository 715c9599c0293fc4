"""The `invoicetron` command: one entry point, one subcommand per job.

Local commands start an embedded PostgreSQL 18 when DATABASE_URL is unset outside production, so a
newcomer needs nothing but Python. Configuration errors end with exit status 2 and a message that
names the variable to fix.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext

from invoicetron.demo import cli as demo_cli
from invoicetron.envconfig import Env
from invoicetron.ops.k8s import cli as k8s_cli
from invoicetron.ops.setup import (
    EXIT_CONFIG,
    EXIT_FAILED,
    EXIT_OK,
    CommandFailed,
    setup_django,
)

__all__ = ["EXIT_CONFIG", "EXIT_FAILED", "EXIT_OK", "CommandFailed", "build_parser", "main"]

# Subcommands implemented as Django management commands: their arguments and --help are theirs.
DJANGO_COMMANDS = {
    "createuser": "create or update a user: --email E [--name N] [--password-stdin] [--owner]",
    "password": "set a new password for an existing user: --email E --password-stdin",
    "unlock": "lift the sign-in lock after repeated wrong passwords: --email E",
    "token": "API tokens: create --email E --name N [--read-only] | revoke --id N | list",
    "rates": "exchange rates: import FILE (the ECB's eurofxref.csv or eurofxref-hist.csv)",
}

HELP_ONLY_ENVIRONMENT = {
    "INVOICETRON_ENV": "test",
    "SECRET_KEY": "help-only-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DATABASE_URL": "postgresql://help@127.0.0.1:1/help",
}

DESCRIPTION = """\
Invoicetron: self-hosted invoicing.

Configuration comes from environment variables (see README.md). Without DATABASE_URL, and outside
production, an embedded PostgreSQL 18 keeps its data in INVOICETRON_DATA_DIR. When INVOICETRON_ENV
is unset, commands other than `serve` run as development if DATABASE_URL is unset too (a local run)
and as production otherwise.
"""


# -- Subcommands -----------------------------------------------------------------------------------


def cmd_dev(args: argparse.Namespace) -> int:
    from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

    # With --reload, Django runs the server in a child process that it restarts on code changes;
    # the command the user started keeps the worker, so that reloads do not restart it.
    server_process_of_reloader = os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
    if not server_process_of_reloader:
        _refuse_busy_port(args.host, args.port)
    os.environ.setdefault("APP_URL", f"http://{args.host}:{args.port}")
    setup_django(default_env="development")
    from django.core.management import call_command

    from invoicetron.accounts.services import setup_needed
    from invoicetron.ops.devworker import worker_beside
    from invoicetron.ops.migrations import migrate_with_lock

    migrate_with_lock(verbosity=0)
    base = f"http://{args.host}:{args.port}"
    if not server_process_of_reloader:  # else the command that started it has said it
        if setup_needed():
            print(f"First run: open {base}/accounts/setup/ to create the owner account.")
        else:
            print(f"Open {base}/ and sign in (add people with `invoicetron createuser`).")
    # The worker stops when this block ends: Ctrl-C and SIGTERM both end runserver with
    # SystemExit. The embedded database then stops in the exit handlers, after the worker.
    with nullcontext() if server_process_of_reloader else worker_beside():
        call_command(
            "runserver", f"{args.host}:{args.port}", use_reloader=args.reload, use_threading=True
        )
    return EXIT_OK


def _refuse_busy_port(host: str, port: int) -> None:
    """Say so before starting anything: runserver ends with os._exit() on a busy port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # As runserver does: a port only held by closed connections (TIME_WAIT) is free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise CommandFailed(
                f"cannot listen on {host}:{port} ({error.strerror}). Choose another port: "
                "`make run PORT=3001` or `invoicetron dev --port 3001`.",
                EXIT_CONFIG,
            ) from None


def cmd_serve(args: argparse.Namespace) -> int:
    # The production server: never development by default, whatever else is configured.
    setup_django(default_env="production")
    from invoicetron.ops.server import log_how_to_create_the_first_owner, serve

    _refuse_missing_static_files()
    log_how_to_create_the_first_owner()
    return serve(Env())


def _refuse_missing_static_files() -> None:
    """Production serves collected, hashed static files; without them every page would fail."""
    from django.conf import settings

    static_root = settings.STATIC_ROOT
    if settings.PRODUCTION and not (static_root and (static_root / "staticfiles.json").exists()):
        raise CommandFailed(
            f"static files are not collected in STATIC_ROOT ({static_root}). Run "
            "`invoicetron manage collectstatic --noinput` first (the container image does this "
            "at build time), or set STATIC_ROOT to where they were collected.",
            EXIT_CONFIG,
        )


def cmd_migrate(args: argparse.Namespace) -> int:
    setup_django()
    from invoicetron.ops.migrations import MigrationLockTimeout, migrate_with_lock

    try:
        migrate_with_lock(timeout=args.lock_timeout, verbosity=args.verbosity)
    except MigrationLockTimeout as error:
        raise CommandFailed(str(error)) from None
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError, connection

    from invoicetron.health.checks import pending_migrations

    print("ok    configuration")
    deadline = time.monotonic() + args.wait
    while True:
        try:
            connection.ensure_connection()
            break
        except DatabaseError as error:
            connection.close()
            if time.monotonic() >= deadline:
                print(f"FAIL  database: cannot connect ({_first_line(error)})")
                return EXIT_FAILED
            time.sleep(1)
    major, minor = divmod(connection.connection.info.server_version, 10000)
    print(f"ok    database: PostgreSQL {major}.{minor}")
    pending = pending_migrations()
    if pending:
        print(f"FAIL  migrations: {len(pending)} pending; run `invoicetron migrate`")
        return EXIT_FAILED
    print("ok    migrations: all applied")
    return EXIT_OK


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else type(error).__name__


def run_django_command(argv: Sequence[str]) -> int:
    if {"-h", "--help"} & set(argv):
        # Help needs Django's parser but no configuration and no database: a throwaway one that
        # is never connected to, so `invoicetron createuser --help` works on a fresh machine.
        for name, value in HELP_ONLY_ENVIRONMENT.items():
            os.environ.setdefault(name, value)
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["invoicetron", *argv])
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    from invoicetron.automation.worker import run_worker

    run_worker(once=args.once, concurrency=args.concurrency)
    return EXIT_OK


def cmd_manage(args: argparse.Namespace) -> int:
    return run_django_command(args.django_args or ["help"])


# -- Parser ----------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="invoicetron",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    dev = _add(
        commands,
        "dev",
        cmd_dev,
        "run locally: embedded PostgreSQL 18, migrations, a dev server and the worker beside it; "
        "Ctrl-C stops all three",
    )
    dev.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    dev.add_argument("--port", type=int, default=3000, help="port to listen on (default 3000)")
    dev.add_argument(
        "--reload", action="store_true", help="restart the server (not the worker) on code changes"
    )

    _add(
        commands,
        "serve",
        cmd_serve,
        "run the production server (gunicorn) on 0.0.0.0:$PORT; never migrates",
    )

    migrate = _add(
        commands, "migrate", cmd_migrate, "apply database migrations (safe to run twice at once)"
    )
    migrate.add_argument(
        "--lock-timeout", type=float, default=600, help="seconds to wait for another migration"
    )
    migrate.add_argument("--verbosity", type=int, default=1, choices=[0, 1, 2, 3])

    check = _add(
        commands,
        "check",
        cmd_check,
        "validate the configuration and the database; non-zero on failure",
    )
    check.add_argument(
        "--wait", type=float, default=0, help="seconds to keep retrying the database connection"
    )

    worker = _add(
        commands,
        "worker",
        cmd_worker,
        "run background jobs (emails, webhooks) and periodic work (recurring invoices, reminders)",
    )
    worker.add_argument(
        "--once",
        action="store_true",
        help="run what is due now, then exit (for a CronJob or tests)",
    )
    worker.add_argument(
        "--concurrency", type=int, default=2, help="jobs run at the same time (default 2)"
    )

    for name, help_text in DJANGO_COMMANDS.items():
        commands.add_parser(name, help=help_text, add_help=False)

    manage = _add(commands, "manage", cmd_manage, "run a Django management command (for operators)")
    manage.add_argument("django_args", nargs=argparse.REMAINDER)
    # Command groups with their own parsers; each imports its heavy parts only when its command
    # runs, so `invoicetron --help` stays fast.
    for group in (k8s_cli, demo_cli):
        group.register(commands)
    return parser


def _add(
    commands: argparse._SubParsersAction,
    name: str,
    handler: Callable[[argparse.Namespace], int],
    help_text: str,
) -> argparse.ArgumentParser:
    command: argparse.ArgumentParser = commands.add_parser(
        name, help=help_text, description=help_text
    )
    command.set_defaults(handler=handler)
    return command


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] in DJANGO_COMMANDS:
            return run_django_command(argv)
        args = build_parser().parse_args(argv)
        status: int = args.handler(args)
        return status
    except CommandFailed as failure:
        print(f"invoicetron: {failure}", file=sys.stderr)
        return failure.status
    except KeyboardInterrupt:
        return 130
