"""Readiness: does the database answer, and is every migration applied?

Liveness never comes here: it must not depend on the database (lesson 17).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor


@dataclass(frozen=True)
class Readiness:
    ready: bool
    reason: str


# Once every migration is applied in this process it stays so: new migrations arrive with a new
# image, hence a new process. Caching this keeps the probe to one cheap query.
_migrations_applied = False


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def check_readiness() -> Readiness:
    global _migrations_applied
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _migrations_applied:
            pending = pending_migrations()
            if pending:
                return Readiness(
                    False, f"{len(pending)} migration(s) pending: run `invoicetron migrate`"
                )
            _migrations_applied = True
    except DatabaseError as error:
        connection.close_if_unusable_or_obsolete()
        return Readiness(False, f"database unavailable ({type(error).__name__})")
    return Readiness(True, "ok")
