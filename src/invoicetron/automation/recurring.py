"""Recurring invoices: each due date of each schedule is invoiced exactly once.

`run_due()` is the periodic work. Each occurrence is one transaction: the schedule row is locked
(a second worker skips it), a `RecurringRun` row unique on (schedule, date) is claimed, the
invoice is made, and the schedule advances. A worker that was down catches up every missed date,
oldest first; running twice, or two workers at once, invoices each date once.

Each schedule is worked on its own: when one cannot be invoiced (e.g. no exchange rate for its
currency, see rates.py for where a rate comes from), its transaction is rolled back, the reason is
kept on the schedule (`last_error`, `failed_at`, shown on its page and on the dashboard), one
line is logged, and the pass goes on with the other schedules. The schedule is tried again on
every pass; the first success clears the error.

- `create_recurring(*, client, by, name, lines, frequency, start_date, end_date=None,
  max_count=None, auto_issue=True, auto_send=False, currency="", notes="",
  exchange_rate=None, discount_type="percent", discount_value=0) -> RecurringInvoice` —
  `exchange_rate`: the schedule's own rate (else the rate table's, then the latest recorded one:
  see rates.py);
  the document discount is every invoice's, refused (key `discount_value`) when impossible.
- `checked_document_discount(kind, value, currency, lines) -> Decimal` — that check.
- `run_due(now=None) -> int` — invoices made.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.automation.failures import failure_message
from invoicetron.automation.models import Frequency, RecurringInvoice, RecurringRun
from invoicetron.automation.rates import rate_for
from invoicetron.automation.schedule import occurrence
from invoicetron.billing import money
from invoicetron.billing.lines import (
    LineData,
    checked_discount,
    line_json,
    lines_from_json,
    money_line,
    validate_lines,
)
from invoicetron.billing.models import (
    AuditAction,
    Client,
    DiscountType,
    Invoice,
    business_today,
    document_currency,
)
from invoicetron.billing.services import create_draft, issue_invoice
from invoicetron.billing.services.audit import record

logger = logging.getLogger(__name__)
RATE_ADVICE = "Edit the recurring invoice and enter its exchange rate; the next pass uses it."


@transaction.atomic
def create_recurring(
    *,
    client: Client,
    by: User | None,
    name: str,
    lines: Sequence[LineData],
    frequency: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    max_count: int | None = None,
    auto_issue: bool = True,
    auto_send: bool = False,
    currency: str = "",
    notes: str = "",
    exchange_rate: Decimal | None = None,
    discount_type: str = DiscountType.PERCENT,
    discount_value: Decimal | str | int = 0,
) -> RecurringInvoice:
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose weekly, monthly, quarterly or yearly.")})
    if end_date and end_date < start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start.")})
    if not lines:
        raise ValidationError({"lines": _("Add at least one line.")})
    currency = document_currency(client, currency)
    cleaned = validate_lines(lines, currency)
    schedule = RecurringInvoice.objects.create(
        name=name,
        client=client,
        currency=currency,
        exchange_rate=exchange_rate,
        lines=[line_json(line) for line in cleaned],
        discount_type=discount_type,
        discount_value=checked_document_discount(discount_type, discount_value, currency, cleaned),
        notes=notes,
        frequency=frequency,
        start_date=start_date,
        end_date=end_date,
        max_count=max_count,
        auto_issue=auto_issue,
        auto_send=auto_send and auto_issue,
        next_date=start_date,
        created_by=by,
    )
    record(AuditAction.CREATE, schedule, by=by, new={"name": name, "start": start_date})
    return schedule


def checked_document_discount(
    kind: str, value: Decimal | str | int, currency: str, lines: Sequence[LineData]
) -> Decimal:
    """The discount's value, checked as an invoice's is and against the (checked) `lines`: one
    larger than them is refused now, not on every pass of the worker. No lines (they were
    refused): the value's own checks only."""
    checked = checked_discount(kind, value if value not in (None, "") else "0", currency)
    if not lines:
        return checked
    discount = money.Discount(money.DiscountKind(kind), checked)
    try:
        money.compute_totals([money_line(line) for line in lines], currency, discount=discount)
    except money.MoneyError as error:
        raise ValidationError({"discount_value": str(error)}) from error
    return checked


def run_due(now: datetime.datetime | None = None) -> int:
    today = business_today(at=now)
    # An error stays only while its schedule is still due: one edited to a later date, or
    # finished, is no longer failing.
    RecurringInvoice.objects.exclude(last_error="").filter(
        Q(next_date__gt=today) | Q(next_date=None)
    ).update(last_error="", failed_at=None)
    due = RecurringInvoice.objects.filter(active=True, next_date__lte=today)
    made = 0
    for pk in due.values_list("pk", flat=True):
        try:
            while _run_next(pk, today):
                made += 1
        except Exception as error:  # reported on the schedule; the other schedules go on
            _record_failure(pk, error)
    return made


def _record_failure(pk: int, error: Exception) -> None:
    message = failure_message(error)
    RecurringInvoice.objects.filter(pk=pk).update(last_error=message, failed_at=timezone.now())
    name = RecurringInvoice.objects.filter(pk=pk).values_list("name", flat=True).first()
    logger.warning(
        "recurring invoice %s (“%s”) not made: %s",
        pk,
        name,
        message,
        exc_info=not isinstance(error, ValidationError),
    )


def _run_next(pk: int, today: datetime.date) -> bool:
    """Invoice the schedule's next date if due; False when nothing (more) is due."""
    try:
        with transaction.atomic():
            schedule = (
                RecurringInvoice.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, active=True, next_date__lte=today)
                .first()
            )
            if schedule is None or schedule.next_date is None:
                return False  # not due, finished, or another worker holds it
            run = RecurringRun.objects.create(schedule=schedule, run_date=schedule.next_date)
            run.invoice = _make_invoice(schedule, schedule.next_date)
            run.save(update_fields=["invoice"])
            _advance(schedule)
            return True
    except IntegrityError:
        # The date was invoiced already (the unique run row exists): advance past it.
        with transaction.atomic():
            schedule = RecurringInvoice.objects.select_for_update().get(pk=pk)
            if schedule.next_date and schedule.runs.filter(run_date=schedule.next_date).exists():
                _advance(schedule)
                return True
        return False


def _advance(schedule: RecurringInvoice) -> None:
    schedule.runs_done += 1
    upcoming: datetime.date | None = occurrence(
        schedule.start_date, schedule.frequency, schedule.runs_done
    )
    if (schedule.max_count and schedule.runs_done >= schedule.max_count) or (
        schedule.end_date and upcoming and upcoming > schedule.end_date
    ):
        upcoming = None
    schedule.next_date = upcoming
    schedule.last_error, schedule.failed_at = "", None
    schedule.save(update_fields=["runs_done", "next_date", "last_error", "failed_at"])


def _make_invoice(schedule: RecurringInvoice, run_date: datetime.date) -> Invoice:
    invoice = create_draft(
        client=schedule.client,
        by=None,
        lines=lines_from_json(schedule.lines),
        currency=schedule.currency or None,
        issue_date=run_date,
        discount_type=schedule.discount_type,
        discount_value=schedule.discount_value,
        notes=schedule.notes,
    )
    if schedule.auto_issue:
        rate = rate_for(
            invoice.currency, own=schedule.exchange_rate, day=run_date, advice=RATE_ADVICE
        )
        invoice = issue_invoice(invoice, by=None, issue_date=run_date, exchange_rate=rate)
        if schedule.auto_send:
            from invoicetron.messaging.services import queue_email

            queue_email(invoice, by=None)
    return invoice
