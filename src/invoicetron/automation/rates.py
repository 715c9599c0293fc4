"""Where the worker's exchange rates come from, when it issues a document in another currency.

An issued invoice records its rate (units of the base currency per unit of its currency, see
billing's `issue_invoice`); the worker has nobody to ask, so it takes, in this order:

1. the schedule's own rate, when the owner set one on the recurring invoice (a contract rate, or
   a rate the owner wants to control);
2. otherwise the rate most recently recorded on an issued invoice in that currency, issued while
   the business had its current base currency (each issued invoice keeps its base currency in its
   snapshot, so a rate recorded against an old base currency is never reused for a new one).
   It is a rate the owner typed (or accepted) for this business; for a late fee it always exists,
   since the overdue invoice recorded one, so the fee follows its invoice's currency and rate;
3. otherwise nothing: the work fails with `NoRate`, which says what to do, and the failure is
   shown to the owner. A rate is never guessed or fetched from an outside service (the app
   works offline and a made-up rate would be frozen into an immutable invoice).

- `recorded_rate(currency, base_currency=None) -> Decimal | None` — the latest recorded (2).
- `rate_for(currency, *, own=None, advice="") -> Decimal | None` — None for the base currency
  (billing records 1), else (1), (2), or `NoRate` ending with `advice` (what to do).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from invoicetron.billing.models import BusinessProfile, Invoice, InvoiceStatus


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


def rate_for(currency: str, *, own: Decimal | None = None, advice: str = "") -> Decimal | None:
    """The rate to issue a `currency` document with; `advice` ends the `NoRate` message."""
    base = BusinessProfile.load().base_currency
    if currency == base:
        return None
    if own:
        return own
    rate = recorded_rate(currency, base)
    if rate is None:
        raise NoRate(
            f"No exchange rate from {currency} to {base} is known: no {currency} invoice has "
            f"been issued with a rate to {base} yet. {advice}".strip()
        )
    return rate
