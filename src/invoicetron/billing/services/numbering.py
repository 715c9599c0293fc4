"""Taking the next number of a series: gapless and unique, even under concurrency.

The counter row of (series, period) is locked with SELECT … FOR UPDATE inside the caller's
transaction, so concurrent issuers queue on it and a rollback gives the number back. Never
max+1 and never a database sequence (sequences leave gaps on rollback).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicetron.billing.models import (
    CreditNote,
    DocumentKind,
    Invoice,
    NumberCounter,
    NumberSeries,
)
from invoicetron.billing.numbering import MAX_SEQUENCE, Reset, format_number, period_key

# The series' names are written in the language of the request that first needs one (the
# owner's); the owner can rename them.
DEFAULT_PATTERNS = {
    DocumentKind.INVOICE: (gettext_lazy("Invoices"), "INV-{YYYY}-{SEQ:4}"),
    DocumentKind.CREDIT_NOTE: (gettext_lazy("Credit notes"), "CN-{YYYY}-{SEQ:4}"),
    DocumentKind.QUOTE: (gettext_lazy("Quotes"), "QUO-{YYYY}-{SEQ:4}"),
}

# The documents whose numbers are legal numbers, unique per kind across all series.
NUMBERED_DOCUMENTS: dict[DocumentKind, type[Invoice] | type[CreditNote]] = {
    DocumentKind.INVOICE: Invoice,
    DocumentKind.CREDIT_NOTE: CreditNote,
}


def default_series(kind: DocumentKind) -> NumberSeries:
    """The kind's default series. Without one, the kind's oldest series becomes the default, or
    (the first time) a yearly-reset series is created.

    Safe when several requests need it at once: the one-default-per-kind constraint lets one of
    them make the default, and the others, refused in a savepoint, read that one."""
    for _attempt in range(3):
        series = NumberSeries.objects.filter(kind=kind, is_default=True).first()
        if series is not None:
            return series
        try:
            with transaction.atomic():  # a savepoint: a conflict leaves the caller's work intact
                return _make_default(kind)
        except IntegrityError:
            continue  # another request made the default (its commit is visible now)
    return NumberSeries.objects.get(kind=kind, is_default=True)


def _make_default(kind: DocumentKind) -> NumberSeries:
    oldest = NumberSeries.objects.filter(kind=kind).order_by("created_at", "pk").first()
    if oldest is not None:
        # Its pattern may already have given numbers: a new series with the default pattern
        # could repeat them, so the existing series carries on.
        NumberSeries.objects.filter(pk=oldest.pk).update(is_default=True)
        oldest.is_default = True
        return oldest
    name, pattern = DEFAULT_PATTERNS[kind]
    return NumberSeries.objects.create(
        name=str(name), kind=kind, pattern=pattern, reset=Reset.YEARLY, is_default=True
    )


def take_next_number(series: NumberSeries, date: datetime.date) -> tuple[str, int]:
    """(formatted number, sequence) for a document dated `date`. Call inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next_number must run inside the issuing transaction.")
    period = period_key(series.reset, date)
    NumberCounter.objects.bulk_create(
        [NumberCounter(series=series, period=period)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.select_for_update().get(series=series, period=period)
    if counter.last_value >= MAX_SEQUENCE:
        raise ValidationError(
            {
                "series": _(
                    "The series “%(name)s” has used its last number (%(last)s): create a new "
                    "series and make it the default."
                )
                % {"name": series.name, "last": MAX_SEQUENCE}
            }
        )
    counter.last_value += 1
    number = format_number(series.pattern, date, counter.last_value)
    documents = NUMBERED_DOCUMENTS.get(DocumentKind(series.kind))
    if documents is not None and documents.objects.filter(number=number).exists():
        # Legal numbers are unique per kind (a database constraint); say why before it refuses.
        raise ValidationError(
            {
                "series": _(
                    "%(number)s is already taken by a document of another series whose pattern "
                    "gives the same numbers: create a new series with a pattern of its own "
                    "instead of “%(name)s”."
                )
                % {"number": number, "name": series.name}
            }
        )
    counter.save(update_fields=["last_value"])
    return number, counter.last_value
