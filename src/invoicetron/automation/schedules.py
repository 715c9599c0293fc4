"""Changing recurring schedules from the pages: create or edit (lines keyed for the form),
pause and resume. Each is atomic and audited; the worker's rules (recurring.py) are unchanged.

Editing keeps the occurrences already invoiced: the next date is recomputed from the (new) start
and frequency after the runs done, so no date is invoiced twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.automation.models import Frequency, RecurringInvoice
from invoicetron.automation.recurring import checked_document_discount, create_recurring
from invoicetron.automation.schedule import occurrence
from invoicetron.billing.lines import LineData, line_json, validate_lines
from invoicetron.billing.models import (
    AuditAction,
    BusinessProfile,
    Client,
    DiscountType,
    document_currency,
)
from invoicetron.billing.services.audit import record
from invoicetron.billing.validation import checked_currency, checked_number, merge

# Integer digits left by the rate column (20 digits, 10 of them decimals).
MAX_RATE = Decimal(10) ** 10


@dataclass
class ScheduleData:
    name: str
    client: Client
    frequency: str
    start_date: datetime.date
    end_date: datetime.date | None = None
    max_count: int | None = None
    auto_issue: bool = True
    auto_send: bool = False
    currency: str = ""
    notes: str = ""
    # Blank: the rate table's, else the latest recorded, when the worker issues (rates.py).
    exchange_rate: Decimal | str | None = None
    # Every invoice's document discount, like an invoice's; none by default.
    discount_type: str = DiscountType.PERCENT
    discount_value: Decimal | str = "0"


def checked_rate(value: Any, currency: str) -> Decimal | None:
    """The schedule's own exchange rate, or None; only for a currency other than the base."""
    if value in (None, ""):
        return None
    base = BusinessProfile.load().base_currency
    if currency == base:
        raise ValidationError(
            {
                "exchange_rate": _(
                    "%(currency)s is the base currency: leave the exchange rate blank."
                )
                % {"currency": currency}
            }
        )
    rate = checked_number(value, "exchange_rate", places=10, minimum=None, label=_("Exchange rate"))
    if rate <= 0 or rate >= MAX_RATE:
        raise ValidationError(
            {
                "exchange_rate": _("Enter how many %(base)s one %(currency)s is worth, above zero.")
                % {"base": base, "currency": currency}
            }
        )
    return rate


def _checked(data: ScheduleData, lines: Sequence[LineData]) -> tuple[str, list[LineData]]:
    currency = checked_currency(document_currency(data.client, data.currency))
    errors = []
    try:
        data.exchange_rate = checked_rate(data.exchange_rate, currency)
    except ValidationError as error:
        errors.append(error)
    if not lines:
        errors.append(ValidationError({"lines": _("Add at least one line.")}))
    if data.end_date and data.end_date < data.start_date:
        errors.append(ValidationError({"end_date": _("The end date cannot be before the start.")}))
    if data.end_date and data.max_count:
        errors.append(ValidationError({"max_count": _("Give an end date or a count, not both.")}))
    if data.auto_send and not data.auto_issue:
        errors.append(ValidationError({"auto_send": _("Only an issued invoice can be sent.")}))
    cleaned: list[LineData] = []
    try:
        cleaned = validate_lines(lines, currency)
    except ValidationError as error:
        errors.append(error)
    try:
        data.discount_value = checked_document_discount(
            data.discount_type, data.discount_value, currency, cleaned
        )
    except ValidationError as error:
        errors.append(error)
    if errors:
        raise merge(errors)
    return currency, cleaned


@transaction.atomic
def save_schedule(
    schedule: RecurringInvoice | None,
    data: ScheduleData,
    lines: Sequence[LineData],
    *,
    by: User | None,
) -> RecurringInvoice:
    currency, cleaned = _checked(data, lines)
    if schedule is None:
        values = vars(data) | {"currency": currency}
        return create_recurring(by=by, lines=cleaned, **values)
    locked = RecurringInvoice.objects.select_for_update().get(pk=schedule.pk)
    for name, value in vars(data).items():
        setattr(locked, name, value)
    locked.currency = currency
    locked.lines = [line_json(line) for line in cleaned]
    locked.next_date = upcoming(locked)
    locked.save()
    record(AuditAction.CHANGE, locked, by=by, new={"name": locked.name})
    return locked


def upcoming(schedule: RecurringInvoice) -> datetime.date | None:
    """The next date to invoice after the runs done, or None once the schedule is finished."""
    if schedule.frequency not in Frequency.values:
        return None
    if schedule.max_count and schedule.runs_done >= schedule.max_count:
        return None
    date = occurrence(schedule.start_date, schedule.frequency, schedule.runs_done)
    if schedule.end_date and date > schedule.end_date:
        return None
    return date


@transaction.atomic
def set_active(schedule: RecurringInvoice, active: bool, *, by: User | None) -> RecurringInvoice:
    updated = RecurringInvoice.objects.filter(pk=schedule.pk).update(active=active)
    if updated:
        action = AuditAction.CHANGE
        record(action, schedule, by=by, old={"active": not active}, new={"active": active})
    schedule.refresh_from_db()
    return schedule
