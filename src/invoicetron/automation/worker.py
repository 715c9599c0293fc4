"""`invoicetron worker`: runs queued jobs and fires the periodic ones.

Two workers never run the same job: procrastinate takes each job with `SELECT … FOR UPDATE SKIP
LOCKED`, and its periodic deferrer records each tick under a unique key, so two workers defer
a tick once. The business effects of a tick (a recurring invoice, a reminder, a late fee) are
made exactly once by unique rows claimed in their own transactions (see recurring.py and
reminders.py), whatever the scheduler does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connection, connections
from procrastinate import App
from procrastinate.contrib.django.db_cleanup import DjangoApp

logger = logging.getLogger(__name__)
ONCE_ROUNDS = 5  # `--once`: runs over the queue at most, for jobs that the previous run queued


def run_worker(*, once: bool = False, concurrency: int = 1) -> None:
    """Run jobs until stopped; with `once`, fire the periodic work now, run what is due, return."""
    from procrastinate.contrib.django import app

    from invoicetron.automation.queue import defer_once
    from invoicetron.automation.tasks import TICK_LOCK, tick

    if once:
        defer_once(tick, TICK_LOCK, timestamp=int(time.time()))
    options = {
        "wait": not once,
        "concurrency": concurrency,
        "listen_notify": not once,
        "install_signal_handlers": not once,
        "delete_jobs": "successful",
    }
    asyncio.run(_run(worker_app(app), **options))
    # A worker that does not wait stops as soon as a fetch finds nothing, which with concurrency
    # above 1 happens while the periodic pass is still running and before it queues its emails:
    # go round again while jobs are due, so `--once` sends the reminders its own pass queued.
    # Bounded: a job that queues another due job forever must not keep a CronJob running.
    for _ in range(ONCE_ROUNDS) if once else ():
        if not jobs_due():
            break
        asyncio.run(_run(worker_app(app), **options))


def jobs_due() -> int:
    """How many queued jobs may run now (retries wait for their time and do not count)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE status = 'todo'"
            " AND (scheduled_at IS NULL OR scheduled_at <= now())"
        )
        (count,) = cursor.fetchone() or (0,)
    return int(count)


async def _run(app: App, **options: Any) -> None:
    try:
        async with app.open_async():
            await app.run_worker_async(**options)
    finally:
        # The periodic deferrer queues through Django's connection in asgiref's one
        # thread-sensitive thread, which outlives this run: close that connection with it.
        await sync_to_async(connections.close_all, thread_sensitive=True)()


def worker_app(app: App) -> App:
    """An app sharing `app`'s tasks, on a connector fit for a worker.

    The web process's connector writes through Django's connection (so that jobs join its
    transactions); a worker needs asynchronous connections of its own, from the same DATABASES
    settings. A new app per worker, rather than swapping the shared app's connector, lets two
    workers run in one process (the tests do). Tasks still queue follow-up jobs through the
    Django connector, inside the transaction of the job that queues them.
    """
    connector = app.connector.get_worker_connector()  # type: ignore[attr-defined]
    worker = DjangoApp(connector=connector, worker_defaults=app.worker_defaults)
    worker.tasks = app.tasks
    worker.periodic_registry = app.periodic_registry
    return worker
