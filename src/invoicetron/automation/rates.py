"""Where the worker's exchange rates come from, when it issues a document in another currency.

An issued invoice records its rate (units of the base currency per unit of its currency, see
billing's `issue_invoice`); the worker has nobody to ask, so it takes, in this order:

1. the schedule's own rate, when the owner set one on the recurring invoice (a contract rate, or
   a rate the owner wants to control);
2. otherwise the owner's rate table (Settings → Exchange rates, billing's `ExchangeRate`): the
   rate on the document's issue date, else the latest before it (weekends and holidays have no
   reference rate), recorded against the current base currency;
3. otherwise the rate most recently recorded on an issued invoice in that currency, issued while
   the business had its current base currency (each issued invoice keeps its base currency in its
   snapshot, so a rate recorded against an old base currency is never reused for a new one).
   It is a rate the owner typed (or accepted) for this business; for a late fee it always exists,
   since the overdue invoice recorded one, so the fee follows its invoice's currency and rate;
4. otherwise nothing: the work fails with `NoRate`, which says what to do, and the failure is
   shown to the owner (the worker goes on with the other schedules). A rate is never guessed or
   fetched from an outside service (the app works offline and a made-up rate would be frozen
   into an immutable invoice).

- `recorded_rate(currency, base_currency=None) -> Decimal | None` — the latest recorded (3).
- `rate_for(currency, *, own=None, day=None, advice="") -> Decimal | None` — None for the base
  currency (billing records 1), else (1), (2) for `day` (default: today where the business
  is), (3), or `NoRate` ending with `advice` (what to do).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from invoicetron.billing.models import (
    BusinessProfile,
    ExchangeRate,
    Invoice,
    InvoiceStatus,
    business_today,
)


class NoRate(ValidationError):
    """No exchange rate from any source: the message names the currencies and what to do."""


def recorded_rate(currency: str, base_currency: str | None = None) -> Decimal | None:
    base = base_currency or BusinessProfile.load().base_currency
    rate = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .filter(
            currency=currency,
            exchange_rate__gt=0,
            snapshot__business__base_currency=base,
        )
        .order_by("-issued_at", "-id")
        .values_list("exchange_rate", flat=True)
        .first()
    )
    return rate


def rate_for(
    currency: str,
    *,
    own: Decimal | None = None,
    day: datetime.date | None = None,
    advice: str = "",
) -> Decimal | None:
    """The rate to issue a `currency` document dated `day` with; `advice` ends `NoRate`."""
    profile = BusinessProfile.load()
    base = profile.base_currency
    if currency == base:
        return None
    if own:
        return own
    table = ExchangeRate.objects.on_or_before(currency, day or business_today(profile), base)
    if table is not None:
        return table.rate
    rate = recorded_rate(currency, base)
    if rate is None:
        message = _(
            "No exchange rate from %(currency)s to %(base)s is known: the rate table (Settings → "
            "Exchange rates) has none on or before %(day)s, and no %(currency)s invoice has been "
            "issued with a rate to %(base)s yet. Add a rate to the table (or import the ECB's "
            "daily file there)."
        ) % {"currency": currency, "base": base, "day": day or business_today(profile)}
        raise NoRate(f"{message} {advice}".strip())
    return rate
