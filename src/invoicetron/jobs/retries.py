"""One attempt at a network delivery, and what follows it: the retry helper of emails
(messaging/delivery.py) and webhooks (automation/webhooks.py).

A delivery is a row with `status`, `attempts`, `last_error` and `next_attempt_at`, and one queued
job that calls `attempt()` for it. An attempt has three steps:

1. Claim, in a short transaction: lock the row, leave it alone unless it is pending (queued or
   retrying), count the attempt and mark it `sending`; commit. Another job for the same row (a
   second worker, a stray duplicate) finds it `sending` and does nothing: one send per claim.
2. Send, outside the claim's transaction and without its row lock: a slow mail server or
   receiver (up to its timeout) keeps no page or other worker waiting on the row.
3. Record, in a second transaction: delivered; or the failure, with the next attempt queued after
   the policy's delay in that same transaction (a retry job exists only with its record); or,
   after the last attempt, failed for good (the pages and the dashboard show it).

Every attempt writes one log line to the `invoicetron.jobs` logger, with key=value fields in the
message and the same fields as `extra` for the JSON log: kind, delivery, job, attempt,
max_attempts, outcome, next_retry, elapsed_ms, reason. The reason is the delivery log's text
(the mail server's answer, "answered 500"); what was sent (bodies, headers, signatures, links)
and the credentials used to send it never reach the line.

A worker that dies between claim and record leaves the row `sending` (its job stays `doing` in
procrastinate, as any interrupted job does); it is not sent again automatically, since the email
or request may have gone out.
"""

from __future__ import annotations

import datetime
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from django.db import models, transaction
from django.utils import timezone
from procrastinate.tasks import Task

from invoicetron.jobs.queue import defer

logger = logging.getLogger("invoicetron.jobs")

# The stored status values both delivery models share (their TextChoices use the same values).
QUEUED, RETRYING, SENDING, FAILED, CANCELLED = (
    "queued",
    "retrying",
    "sending",
    "failed",
    "cancelled",
)
PENDING = (QUEUED, RETRYING)


class Outcome(StrEnum):
    DELIVERED = "delivered"
    RETRYING = "retrying"  # failed, another attempt is queued
    FAILED = "failed"  # failed, no attempt left
    CANCELLED = "cancelled"  # no longer wanted (e.g. a reminder for an invoice since paid)
    SKIPPED = "skipped"  # not pending: finished already, or claimed by another job
    DELETED = "deleted"  # the row went while it was being sent (its webhook endpoint was deleted)


class SendFailed(Exception):
    """Raised by a send function: the attempt failed, `reason` goes to the delivery log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DeliveryRow(Protocol):
    pk: Any
    status: str
    attempts: int
    last_error: str
    next_attempt_at: datetime.datetime | None

    def save(self) -> None: ...


Row = TypeVar("Row", bound=models.Model)


@dataclass(frozen=True)
class RetryPolicy:
    """How one kind of delivery is retried: `delays[n]` seconds after the (n+1)th failed
    attempt, one attempt more than there are delays; `task(delivery_id=…)` runs an attempt."""

    kind: str  # "email", "webhook": names the attempts in the log
    delays: tuple[int, ...]
    task: Task[Any, Any, Any]

    @property
    def max_attempts(self) -> int:
        return len(self.delays) + 1

    def delay_after(self, attempts: int) -> int | None:
        """Seconds before the next attempt after `attempts` failed ones; None: give up."""
        return self.delays[attempts - 1] if attempts < self.max_attempts else None


def attempt(
    policy: RetryPolicy,
    rows: models.QuerySet[Row],
    delivery_id: int,
    *,
    send: Callable[[Row], None],
    delivered: Callable[[Row], None],
    cancel_reason: Callable[[Row], str] | None = None,
    job_id: int | None = None,
) -> Row:
    """Claim, send and record one attempt (see the module's docstring).

    `send(row)` does the network I/O and raises SendFailed on failure; it may set fields of the
    row (kept on success and failure). `delivered(row)` sets the row's delivered status and runs
    what follows a delivery, in the record's transaction. `cancel_reason(row)`, checked at claim
    time: a non-empty reason cancels the delivery instead of sending it.
    """
    started = time.monotonic()
    with transaction.atomic():
        # `of=("self",)`: the row only, not the rows `rows` joins (a webhook's endpoint).
        row = rows.select_for_update(of=("self",)).get(pk=delivery_id)
        state: DeliveryRow = row  # type: ignore[assignment]  # the fields every delivery has
        if state.status not in PENDING:
            _log(policy, state, Outcome.SKIPPED, job_id, started)
            return row
        reason = cancel_reason(row) if cancel_reason is not None else ""
        if reason:
            state.status, state.last_error, state.next_attempt_at = CANCELLED, reason, None
            state.save()
            _log(policy, state, Outcome.CANCELLED, job_id, started, reason)
            return row
        state.attempts += 1
        state.status = SENDING
        state.save()
    failure: str | None = None
    unexpected: Exception | None = None
    try:
        send(row)
    except SendFailed as error:
        failure = error.reason
    # Anything else (a bug, a document that cannot be rendered) is a failed attempt too, so that
    # the row is not left `sending`: it is retried, then shown as failed; the traceback is logged.
    except Exception as error:
        failure = f"Unexpected error ({type(error).__name__}); the worker's log has the details."
        unexpected = error
    with transaction.atomic():
        # Deleted while it was sent (a webhook's endpoint removed): nothing left to record.
        if not rows.model._default_manager.select_for_update().filter(pk=state.pk).exists():
            _log(policy, state, Outcome.DELETED, job_id, started, failure or "")
            return row
        outcome, delay = _record(policy, state, row, failure, delivered)
        state.save()
    _log(policy, state, outcome, job_id, started, failure or "", delay, unexpected)
    return row


def _record(
    policy: RetryPolicy,
    state: DeliveryRow,
    row: Row,
    failure: str | None,
    delivered: Callable[[Row], None],
) -> tuple[Outcome, int | None]:
    if failure is None:
        state.last_error, state.next_attempt_at = "", None
        delivered(row)
        return Outcome.DELIVERED, None
    state.last_error = failure
    delay = policy.delay_after(state.attempts)
    if delay is None:
        state.status, state.next_attempt_at = FAILED, None
        return Outcome.FAILED, None
    state.status = RETRYING
    state.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    defer(policy.task, delay_seconds=delay, delivery_id=state.pk)
    return Outcome.RETRYING, delay


def _log(
    policy: RetryPolicy,
    state: DeliveryRow,
    outcome: Outcome,
    job_id: int | None,
    started: float,
    reason: str = "",
    delay: int | None = None,
    unexpected: Exception | None = None,
) -> None:
    fields: dict[str, Any] = {
        "kind": policy.kind,
        "delivery": state.pk,
        "job": job_id,
        "attempt": state.attempts,
        "max_attempts": policy.max_attempts,
        "outcome": str(outcome),
        "next_retry": state.next_attempt_at.isoformat() if delay and state.next_attempt_at else "",
        "elapsed_ms": round((time.monotonic() - started) * 1000),
        "reason": reason,
    }
    level = logging.WARNING if outcome in (Outcome.RETRYING, Outcome.FAILED) else logging.INFO
    text = " ".join(f"{name}={_shown(value)}" for name, value in fields.items())
    logger.log(
        level, "%s delivery attempt %s", policy.kind, text, extra=fields, exc_info=unexpected
    )


def _shown(value: object) -> str:
    """A key=value field: quoted when it has spaces, so that a line parses back."""
    text = "" if value is None else str(value)
    return json.dumps(text, ensure_ascii=False) if not text or set(text) & {" ", '"', "="} else text
