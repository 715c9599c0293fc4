"""`invoicetron worker`: runs queued jobs and fires the periodic ones.

Two workers never run the same job: procrastinate takes each job with `SELECT … FOR UPDATE SKIP
LOCKED`, and its periodic deferrer records each tick under a unique key, so two workers defer
a tick once. The business effects of a tick (a recurring invoice, a reminder, a late fee) are
made exactly once by unique rows claimed in their own transactions (see recurring.py and
reminders.py), whatever the scheduler does.

A database outage does not end `invoicetron worker`: procrastinate stops its worker when the
database goes away (its listener fails), so `run_worker` waits until the database answers again
and starts a new one. Only SIGTERM or SIGINT end it; the job running then finishes first.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import signal
import threading
import time
from typing import Any

import psycopg
from asgiref.sync import sync_to_async
from django.db import DatabaseError, connection, connections
from procrastinate import App, PsycopgConnector
from procrastinate.contrib.django.db_cleanup import DjangoApp
from procrastinate.contrib.django.utils import connector_params
from procrastinate.exceptions import ConnectorException

logger = logging.getLogger(__name__)
ONCE_ROUNDS = 5  # `--once`: runs over the queue at most, for jobs that the previous run queued
RECONNECT_DELAYS = (
    0.5,
    1,
    2,
    5,
)  # seconds between tries while the database is away (the last repeats)
STILL_WAITING_EVERY = 60  # seconds between "still waiting" lines during a long outage
# How long a worker's query waits for a pooled connection (psycopg's default is 30 s): when the
# database goes away, the stopping worker's last queries give up after this, not half a minute.
POOL_WAIT_SECONDS = 5
POOL_LOG_EVERY = 5.0  # seconds: the pool's "error connecting" warnings, one per interval


class OncePerInterval(logging.Filter):
    """Lets one record through per `interval` seconds: the connection pool warns on every failed
    reconnect, several times a second while the database is away."""

    def __init__(self, interval: float) -> None:
        super().__init__()
        self.interval, self.last = interval, -interval

    def filter(self, record: logging.LogRecord) -> bool:
        if record.created - self.last < self.interval:
            return False
        self.last = record.created
        return True


def run_worker(*, once: bool = False, concurrency: int = 1) -> None:
    """Run jobs until stopped; with `once`, fire the periodic work now, run what is due, return."""
    from procrastinate.contrib.django import app

    from invoicetron.automation.tasks import TICK_LOCK, tick
    from invoicetron.jobs.queue import defer_once

    if once:
        defer_once(tick, TICK_LOCK, timestamp=int(time.time()))
    options = {
        "wait": not once,
        "concurrency": concurrency,
        "listen_notify": not once,
        "install_signal_handlers": not once,
        "delete_jobs": "successful",
    }
    if not once:
        pool_log = logging.getLogger("psycopg.pool")
        if not any(isinstance(known, OncePerInterval) for known in pool_log.filters):
            pool_log.addFilter(OncePerInterval(POOL_LOG_EVERY))
        asyncio.run(_run_until_stopped(app, **options))
        return
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


async def _run_until_stopped(app: App, **options: Any) -> None:
    """Run workers one after the other until SIGTERM or SIGINT: a worker that stops by itself
    (the database went away) is followed by a new one once the database answers again."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    handles_signals = threading.current_thread() is threading.main_thread()

    def stop() -> None:
        # One signal stops gracefully; the default handlers are back for a second ("stop now").
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        stopping.set()

    if handles_signals:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop)
    try:
        while not stopping.is_set():
            try:
                await _run_while(stopping, worker_app(app), **options)
            except (ConnectorException, DatabaseError, psycopg.Error, OSError) as error:
                logger.warning(
                    "worker stopped by a database error: %s", " ".join(str(error).split())
                )
            if not stopping.is_set():
                await _wait_for_database(stopping)
    finally:
        if handles_signals and not stopping.is_set():
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)


async def _run_while(stopping: asyncio.Event, app: App, **options: Any) -> None:
    """One worker, until it stops by itself or `stopping` is set (then it stops gracefully:
    procrastinate answers a cancellation by letting the running job finish)."""
    worker = asyncio.create_task(_run(app, **options | {"install_signal_handlers": False}))
    stop_wait = asyncio.create_task(stopping.wait())
    try:
        await asyncio.wait({worker, stop_wait}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        stop_wait.cancel()
    if not worker.done():
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
        return
    worker.result()  # a worker's own error (the database's) reaches the caller


async def _wait_for_database(stopping: asyncio.Event) -> None:
    """Return once the database answers (or a stop is asked for), saying so in a few lines."""
    started = last_line = time.monotonic()
    logger.warning("database unavailable: the worker waits for it and reconnects")
    for attempt in itertools.count():
        # Waiting first, also when the database answers at once: a worker that keeps stopping
        # for another reason must not be restarted in a tight loop.
        delay = RECONNECT_DELAYS[min(attempt, len(RECONNECT_DELAYS) - 1)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), timeout=delay)
        if stopping.is_set():
            return
        if await sync_to_async(database_answers, thread_sensitive=True)():
            logger.warning(
                "database available again after %.0f s: the worker resumes",
                time.monotonic() - started,
            )
            return
        if time.monotonic() - last_line >= STILL_WAITING_EVERY:
            last_line = time.monotonic()
            logger.warning("database still unavailable after %.0f s", last_line - started)


def database_answers() -> bool:
    """Whether a new connection to the database works (one from before an outage is dead)."""
    try:
        connection.close()
        connection.ensure_connection()
    except DatabaseError:
        return False
    return True


def worker_app(app: App) -> App:
    """An app sharing `app`'s tasks, on a connector fit for a worker.

    The web process's connector writes through Django's connection (so that jobs join its
    transactions); a worker needs asynchronous connections of its own, from the same DATABASES
    settings (what procrastinate's `get_worker_connector` makes, with a shorter wait for a pooled
    connection: POOL_WAIT_SECONDS). A new app per worker, rather than swapping the shared app's
    connector, lets two workers run in one process (the tests do). Tasks still queue follow-up
    jobs through the Django connector, inside the transaction of the job that queues them.
    """
    connector = PsycopgConnector(kwargs=connector_params(), timeout=POOL_WAIT_SECONDS)
    worker = DjangoApp(connector=connector, worker_defaults=app.worker_defaults)
    worker.tasks = app.tasks
    worker.periodic_registry = app.periodic_registry
    return worker
