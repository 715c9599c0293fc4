"""Fixtures and helpers for tests that run the worker (imported by the conftests)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection
from pythonjsonlogger.json import JsonFormatter


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


def attempt_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    """The log lines of delivery attempts (jobs.retries), oldest first."""
    return [record for record in caplog.records if record.name == "invoicetron.jobs"]


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record of the app and its libraries as the JSON log shows it, with its raw fields
    (the test's own SMTP server, aiosmtpd's "mail.log", is not the app's)."""
    formatter = JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s")
    return "\n".join(
        formatter.format(record) + repr(vars(record))
        for record in caplog.records
        if record.name != "mail.log"
    )


def start_in_thread(work: Callable[..., Any], *arguments: Any) -> threading.Thread:
    """Run `work` in a thread of its own, on its own database connection (closed after)."""

    def run() -> None:
        try:
            work(*arguments)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread
