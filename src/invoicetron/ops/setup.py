"""What every `invoicetron` command shares: exit statuses, the failure a message fully explains,
and setting Django up (the embedded PostgreSQL of a local run included).

Below the entry points that use it (cli.py, `invoicetron k8s`, `invoicetron demo-data`), so that
none of them imports another's command module.
"""

from __future__ import annotations

import os
import signal
import sys

from django.core.exceptions import ImproperlyConfigured

from invoicetron.envconfig import Env

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


class CommandFailed(Exception):
    """A subcommand failed in a way its message fully explains."""

    def __init__(self, message: str, status: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.status = status


def setup_django(*, default_env: str | None = None) -> None:
    """Read the configuration, start the embedded database if needed, and set Django up.

    `default_env` is the mode when INVOICETRON_ENV is unset; without it, `default_environment()`.
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicetron.settings")
    implied_local_run = False
    if not os.environ.get("INVOICETRON_ENV", "").strip():
        os.environ["INVOICETRON_ENV"] = default_env or default_environment()
        implied_local_run = default_env is None and os.environ["INVOICETRON_ENV"] != "production"
    try:
        mode = Env().choice("INVOICETRON_ENV", ("production", "development", "test"), "production")
        if mode != "production" and not database_configured():
            os.environ["DATABASE_URL"] = _start_embedded_database(announce=implied_local_run)
        import django

        django.setup()
    except ImproperlyConfigured as error:
        raise CommandFailed(f"configuration error: {error}", EXIT_CONFIG) from None


def database_configured() -> bool:
    return bool(os.environ.get("DATABASE_URL", "").strip()) or bool(
        os.environ.get("DATABASE_URL_FILE", "").strip()
    )


def default_environment() -> str:
    """The mode of a command when INVOICETRON_ENV is unset.

    Production wherever a database is configured: a server has DATABASE_URL, and then a missing
    SECRET_KEY or APP_URL must stop the command. Without DATABASE_URL the only database a command
    can use is the embedded one of a local run, which production never starts: development, so
    that `invoicetron worker`, `createuser`, `token`… work on a developer's machine with no
    variables, on the database `make run` uses. The image, compose.yaml and the Kubernetes
    manifests set INVOICETRON_ENV=production explicitly, and `serve` defaults to production.
    """
    return "production" if database_configured() else "development"


def _start_embedded_database(*, announce: bool) -> str:
    # Imported here: psycopg and platformdirs would slow down `invoicetron --help`.
    from invoicetron.localdata import data_dir
    from invoicetron.ops import embedded

    directory = data_dir()
    if announce:
        print(
            "invoicetron: INVOICETRON_ENV and DATABASE_URL are unset: a local (development) run "
            f"on the embedded PostgreSQL in {directory}. On a server, set "
            "INVOICETRON_ENV=production.",
            file=sys.stderr,
        )
    try:
        url = embedded.start(directory)
    except embedded.EmbeddedDatabaseError as error:
        raise CommandFailed(str(error), EXIT_CONFIG) from None
    _stop_like_ctrl_c_on_sigterm()
    return url


def _stop_like_ctrl_c_on_sigterm() -> None:
    """Let SIGTERM (`kill`, a supervisor) end a command the way Ctrl-C does.

    Python's default for SIGTERM ends the process without running its exit handlers, and one of
    them stops the embedded database; as KeyboardInterrupt it unwinds normally and they run.
    Handlers installed later (the worker's graceful stop, Django's autoreloader) take over.
    """
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, signal.default_int_handler)
