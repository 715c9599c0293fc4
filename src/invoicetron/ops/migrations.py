"""`invoicetron migrate`: apply migrations under a PostgreSQL advisory lock.

Two copies started at once (two Jobs, a Job and a developer) queue on the lock instead of racing;
the second finds nothing left to do.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.core.management import call_command
from django.db import connection

# An arbitrary constant that names "the migration lock" for this application.
MIGRATION_LOCK_ID = 7_461_203_117


class MigrationLockTimeout(RuntimeError):
    pass


def migrate_with_lock(
    *, timeout: float = 600, verbosity: int = 1, report: Callable[[str], None] = print
) -> None:
    deadline = time.monotonic() + timeout
    waited = False
    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_ID])
            if cursor.fetchone()[0]:
                break
            if time.monotonic() > deadline:
                raise MigrationLockTimeout(
                    f"Another migration held the lock for more than {timeout:.0f} s. "
                    "Check for a stuck migration Job, then run `invoicetron migrate` again."
                )
            if not waited:
                report("Another migration is running; waiting for it to finish…")
                waited = True
            time.sleep(0.5)
    try:
        call_command("migrate", interactive=False, verbosity=verbosity)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
