"""Taking the next number of a series: gapless and unique, even under concurrency.

The counter row of (series, period) is locked with SELECT … FOR UPDATE inside the caller's
transaction, so concurrent issuers queue on it and a rollback gives the number back. Never
max+1 and never a database sequence (sequences leave gaps on rollback).
"""

from __future__ import annotations

import datetime

from django.db import transaction

from invoicetron.billing.models import DocumentKind, NumberCounter, NumberSeries
from invoicetron.billing.numbering import Reset, format_number, period_key

DEFAULT_PATTERNS = {
    DocumentKind.INVOICE: ("Invoices", "INV-{YYYY}-{SEQ:4}"),
    DocumentKind.CREDIT_NOTE: ("Credit notes", "CN-{YYYY}-{SEQ:4}"),
    DocumentKind.QUOTE: ("Quotes", "QUO-{YYYY}-{SEQ:4}"),
}


def default_series(kind: DocumentKind) -> NumberSeries:
    """The kind's default series, created on first use with a yearly-reset pattern."""
    series = NumberSeries.objects.filter(kind=kind, is_default=True).first()
    if series is not None:
        return series
    name, pattern = DEFAULT_PATTERNS[kind]
    with transaction.atomic():
        NumberSeries.objects.bulk_create(
            [
                NumberSeries(
                    name=name, kind=kind, pattern=pattern, reset=Reset.YEARLY, is_default=True
                )
            ],
            ignore_conflicts=True,  # another request may create it at the same moment
        )
    return NumberSeries.objects.get(kind=kind, is_default=True)


def take_next_number(series: NumberSeries, date: datetime.date) -> tuple[str, int]:
    """(formatted number, sequence) for a document dated `date`. Call inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next_number must run inside the issuing transaction.")
    period = period_key(series.reset, date)
    NumberCounter.objects.bulk_create(
        [NumberCounter(series=series, period=period)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.select_for_update().get(series=series, period=period)
    counter.last_value += 1
    counter.save(update_fields=["last_value"])
    return format_number(series.pattern, date, counter.last_value), counter.last_value
