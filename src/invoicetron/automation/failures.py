"""What the worker could not do, in the owner's words: kept on the schedule (`last_error`) or in a
`ReminderFailure` row by recurring.py and reminders.py, read here for the dashboard notice.

- `failure_message(error) -> str` — the text kept and logged for a failure.
- `current_failures() -> [Failure]` — failing active schedules and reminders, latest first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Value

from invoicetron.automation.models import RecurringInvoice, ReminderFailure

SHOWN = 5


def failure_message(error: Exception) -> str:
    """A refusal's own words; for anything else only the kind of error, since its text might
    quote data: the worker's log line carries the traceback."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return f"Unexpected error ({type(error).__name__}); the worker's log has the details."


@dataclass(frozen=True)
class Failure:
    kind: str  # "schedule" or "reminder"
    object_id: int  # the schedule's, or the invoice's
    label: str  # the schedule's name, or the invoice's number
    error: str
    failed_at: datetime.datetime | None


def current_failures(limit: int = SHOWN) -> list[Failure]:
    """The latest failures of active schedules and of reminders, in one query (the home page
    keeps a fixed, small number of queries)."""
    columns = ("kind", "object_id", "label", "message", "failed_at")
    schedules = (
        RecurringInvoice.objects.filter(active=True)
        .exclude(last_error="")
        .annotate(
            kind=Value("schedule"),
            object_id=F("pk"),
            label=F("name"),
            message=F("last_error"),
        )
        .values_list(*columns)
    )
    reminders = ReminderFailure.objects.annotate(
        kind=Value("reminder"),
        object_id=F("invoice_id"),
        label=F("invoice__number"),
        message=F("error"),
    ).values_list(*columns)
    rows = schedules.union(reminders, all=True).order_by("-failed_at")[:limit]
    return [Failure(*row) for row in rows]
