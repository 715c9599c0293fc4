"""Periodic work and webhook jobs, found by procrastinate's autodiscovery of `tasks` modules."""

from __future__ import annotations

import logging
from collections.abc import Callable

from procrastinate.contrib.django import app

from invoicetron.automation.webhooks import send_webhook

__all__ = ["send_webhook", "tick"]  # send_webhook lives beside the code it runs (webhooks.py)

logger = logging.getLogger(__name__)
TICK_LOCK = "automation.tick"


def due_work() -> list[tuple[str, Callable[[], int]]]:
    from invoicetron.automation import recurring, reminders
    from invoicetron.quotes import services as quotes

    return [
        ("recurring invoices", recurring.run_due),
        ("reminders", reminders.run_due),
        ("expired quotes", quotes.expire_due),
    ]


def run_due_work() -> dict[str, int]:
    """Everything due now; one failing kind of work does not stop the others. Within a kind,
    recurring.py and reminders.py isolate each schedule and invoice and keep their failures for
    the owner, so what is raised here is a failure of the pass itself (e.g. the database)."""
    done: dict[str, int] = {}
    failures: list[BaseException] = []
    for name, work in due_work():
        try:
            done[name] = work()
        except Exception as error:  # logged and re-raised below, after the other kinds ran
            logger.exception("periodic work failed: %s", name)
            failures.append(error)
    if failures:
        raise failures[0]
    return done


# Every five minutes: due work is found by date, so a late or missed tick only delays it.
@app.periodic(cron="*/5 * * * *")
@app.task(name="automation.tick", queueing_lock=TICK_LOCK, lock=TICK_LOCK)
def tick(timestamp: int) -> None:
    done = run_due_work()
    logger.info("periodic work done", extra={"done": done, "tick": timestamp})
