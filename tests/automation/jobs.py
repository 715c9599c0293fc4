"""Fixtures and helpers for tests that run the worker (imported by the conftests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection


@pytest.fixture
def job_tables(transactional_db: None) -> Iterator[None]:
    """Committed data (workers use their own connections) and an empty job queue around a test."""
    _empty_queue()
    yield
    _empty_queue()


def _empty_queue() -> None:
    with connection.cursor() as cursor:
        # Workers' connections (pool threads keep theirs) would block the test database's teardown.
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        cursor.execute(
            "TRUNCATE procrastinate_jobs, procrastinate_periodic_defers, procrastinate_events,"
            " procrastinate_workers CASCADE"
        )


def queued_jobs(task_name: str | None = None) -> list[tuple[str, str]]:
    """(task name, status) of every job in the queue, optionally of one task."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, status FROM procrastinate_jobs ORDER BY id")
        rows = [(str(name), str(status)) for name, status in cursor.fetchall()]
    return [row for row in rows if task_name is None or row[0] == task_name]
