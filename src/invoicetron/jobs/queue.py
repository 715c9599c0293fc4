"""Queueing background jobs in the caller's transaction (the enqueue API every app uses).

Jobs are rows in PostgreSQL (procrastinate). In the web process procrastinate's Django connector
writes them through Django's own connection, so a job queued inside `transaction.atomic()` exists
only if that transaction commits: a rolled-back change sends nothing, and a committed one is never
lost, even while no worker runs (the worker catches up when it starts).
"""

from __future__ import annotations

from typing import Any

from procrastinate import exceptions
from procrastinate.tasks import Task


def defer(task: Task[Any, Any, Any], *, delay_seconds: int = 0, **arguments: Any) -> int:
    """Queue `task(**arguments)`, optionally not before `delay_seconds`; returns the job id."""
    configured = task.configure(schedule_in={"seconds": delay_seconds}) if delay_seconds else task
    return int(configured.defer(**arguments))


def defer_once(task: Task[Any, Any, Any], lock: str, **arguments: Any) -> int | None:
    """Queue the task unless a job with the same queueing lock is already waiting."""
    try:
        return int(task.configure(queueing_lock=lock).defer(**arguments))
    except exceptions.AlreadyEnqueued:
        return None
