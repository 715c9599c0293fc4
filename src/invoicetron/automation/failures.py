"""What the worker could not do, in the owner's words: kept on the schedule (`last_error`) or in a
`ReminderFailure` row by recurring.py and reminders.py, read here for the dashboard notice.

- `failure_message(error) -> str` — the text kept and logged for a failure.
- `current_failures() -> Failures` — failing active schedules and reminders (two small queries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from invoicetron.automation.models import RecurringInvoice, ReminderFailure

SHOWN = 5


def failure_message(error: Exception) -> str:
    """A refusal's own words; for anything else only the kind of error, since its text might
    quote data: the worker's log line carries the traceback."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return f"Unexpected error ({type(error).__name__}); the worker's log has the details."


@dataclass(frozen=True)
class Failures:
    schedules: list[RecurringInvoice]
    reminders: list[ReminderFailure]

    def __bool__(self) -> bool:
        return bool(self.schedules or self.reminders)


def current_failures(limit: int = SHOWN) -> Failures:
    schedules = (
        RecurringInvoice.objects.filter(active=True)
        .exclude(last_error="")
        .only("pk", "name", "last_error", "failed_at")
        .order_by("-failed_at")[:limit]
    )
    reminders = ReminderFailure.objects.select_related("invoice").only(
        "error", "failed_at", "invoice__number"
    )[:limit]
    return Failures(list(schedules), list(reminders))
