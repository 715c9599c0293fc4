"""Payment reminders and late fees: each step at most once per invoice, stopped once it is paid.

`run_due()` is the periodic work. For each open invoice with a balance and a reminder step that
has come (due date + step days ≤ today, in the business's time zone), one transaction locks the
invoice, claims a `ReminderClaim` row per step (unique on invoice and step), charges each step's
late fee once (a separate, issued invoice: an issued invoice is never changed) and queues one
reminder email. A worker that was down emails only the latest step that came, not a burst.
The email job checks again before sending: a reminder for an invoice paid meanwhile is cancelled.
The email says how many days overdue the invoice really is today (in the business's time zone),
not the step's number of days: a step done late says the real delay.

A late fee is an invoice in the overdue invoice's currency, issued at the rate rates.py gives
(the latest rate recorded for that currency, which the overdue invoice itself provides).

Each invoice is worked on its own: when its steps cannot be done (e.g. no exchange rate for the
fee), its transaction is rolled back, a `ReminderFailure` row keeps the reason for the dashboard,
one line is logged, and the pass goes on with the other invoices. The invoice is tried again on
every pass; the first success deletes the failure.
"""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from invoicetron.automation.failures import failure_message
from invoicetron.automation.models import LateFee, ReminderClaim, ReminderFailure, ReminderStep
from invoicetron.automation.rates import rate_for
from invoicetron.billing import money
from invoicetron.billing.models import OPEN_STATUSES, Invoice, business_today
from invoicetron.billing.services import LineData, create_draft, issue_invoice

logger = logging.getLogger(__name__)
RATE_ADVICE = (
    "Issue one invoice in that currency by hand with its exchange rate; the next pass charges "
    "the late fee and sends the reminder."
)


def run_due(now: datetime.datetime | None = None) -> int:
    """Reminder steps done (emailed or caught up) across all invoices."""
    steps = list(ReminderStep.objects.filter(active=True))
    if not steps:
        ReminderFailure.objects.all().delete()  # no step left to fail
        return 0
    today = business_today(at=now)
    earliest = today - datetime.timedelta(days=min(step.days for step in steps))
    candidates = Invoice.objects.filter(
        status__in=OPEN_STATUSES,
        balance_due__gt=0,
        due_date__lte=earliest,
        late_fee_for__isnull=True,  # a late-fee invoice gets no fee of its own
    ).values_list("pk", flat=True)
    # A failure stays only while its invoice still waits for a step (not paid, not credited).
    ReminderFailure.objects.exclude(invoice__in=candidates).delete()
    done = 0
    for pk in candidates:
        try:
            done += _remind(pk, steps, today)
        except Exception as error:  # kept for the dashboard; the other invoices go on
            _record_failure(pk, error)
        else:
            ReminderFailure.objects.filter(invoice_id=pk).delete()
    return done


def _record_failure(invoice_id: int, error: Exception) -> None:
    message = failure_message(error)
    ReminderFailure.objects.update_or_create(
        invoice_id=invoice_id, defaults={"error": message, "failed_at": timezone.now()}
    )
    number = Invoice.objects.filter(pk=invoice_id).values_list("number", flat=True).first()
    logger.warning(
        "reminder for invoice %s not done: %s",
        number,
        message,
        exc_info=not isinstance(error, ValidationError),
    )


def _remind(invoice_id: int, steps: list[ReminderStep], today: datetime.date) -> int:
    with transaction.atomic():
        invoice = (
            Invoice.objects.select_for_update(skip_locked=True)
            .filter(pk=invoice_id, status__in=OPEN_STATUSES, balance_due__gt=0)
            .first()
        )
        if invoice is None or invoice.due_date is None:
            return 0
        overdue_days = (today - invoice.due_date).days
        done = set(ReminderClaim.objects.filter(invoice=invoice).values_list("step_id", flat=True))
        come = [s for s in steps if s.days <= overdue_days and s.pk not in done]
        if not come:
            return 0
        latest = max(come, key=lambda step: step.days)
        for step in come:
            claim = ReminderClaim.objects.create(invoice=invoice, step=step)
            claim.fee_invoice = _charge_fee(invoice, step)
            if step is latest:
                claim.delivery_id, claim.emailed = _email(invoice, overdue_days), True
            claim.save(update_fields=["fee_invoice", "delivery_id", "emailed"])
        return len(come)


def _email(invoice: Invoice, overdue_days: int) -> int | None:
    from invoicetron.messaging.services import queue_email

    try:
        context = {"days": overdue_days}
        delivery = queue_email(invoice, by=None, kind="reminder", extra_context=context)
    except ValidationError:
        return None  # no contact with an email: the claim still records the step as done
    return delivery.pk


def late_fee_amount(invoice: Invoice, step: ReminderStep) -> Decimal:
    if step.late_fee == LateFee.FIXED:
        return money.round_to_minor_unit(step.late_fee_value, invoice.currency)
    if step.late_fee == LateFee.PERCENT:
        fee = invoice.balance_due * step.late_fee_value / Decimal(100)
        return money.round_to_minor_unit(fee, invoice.currency)
    return Decimal(0)


def _charge_fee(invoice: Invoice, step: ReminderStep) -> Invoice | None:
    amount = late_fee_amount(invoice, step)
    if amount <= 0:
        return None
    draft = create_draft(
        client=invoice.client,
        by=None,
        currency=invoice.currency,
        lines=[LineData(f"Late fee: invoice {invoice.number}, {step}", 1, amount)],
    )
    rate = rate_for(invoice.currency, own=None, advice=RATE_ADVICE)
    return issue_invoice(draft, by=None, exchange_rate=rate)
