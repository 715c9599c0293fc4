"""Accounts-receivable aging: what is owed, by how many days past its due date.

Buckets: current (not yet due), 1-30, 31-60, 61-90 and over 90 days past due. The dashboard ages
the stored balances as of today; the report ages the balance each invoice had on an "as of" date
(its total less the payments and credit notes dated up to then), so last quarter's aging can be
reproduced later.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from invoicetron.billing.models import OPEN_STATUSES, CreditNote, Invoice, InvoiceStatus, Payment
from invoicetron.reports.amounts import AMOUNT, ZERO, Base, DateRange

CLIENTS_LISTED = 200  # rows shown on the page, largest first; the total and the CSV have them all

# (key, label, lowest days past due, highest days past due or None)
BUCKETS: tuple[tuple[str, str, int | None, int | None], ...] = (
    ("current", "Current", None, 0),
    ("days_1_30", "1\N{EN DASH}30 days", 1, 30),
    ("days_31_60", "31\N{EN DASH}60 days", 31, 60),
    ("days_61_90", "61\N{EN DASH}90 days", 61, 90),
    ("days_over_90", "Over 90 days", 91, None),
)


@dataclass
class AgingRow:
    label: str
    buckets: dict[str, Decimal] = field(default_factory=dict)
    client_id: int | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def bucket_filters(as_of: datetime.date) -> dict[str, Q]:
    """Each bucket as a condition on the due date, relative to `as_of`."""
    filters = {}
    for key, _label, low, high in BUCKETS:
        condition = Q()
        if high is not None:  # at most `high` days late: due on or after as_of - high
            condition &= Q(due_date__gte=as_of - datetime.timedelta(days=high))
        if low is not None:
            condition &= Q(due_date__lte=as_of - datetime.timedelta(days=low))
        filters[key] = condition
    return filters


def _bucket_sums(base: Base, amount: str, as_of: datetime.date) -> dict[str, Any]:
    return {
        key: base.total(amount, filter_q=condition)
        for key, condition in bucket_filters(as_of).items()
    }


def current_aging(base: Base, today: datetime.date) -> AgingRow:
    """Open invoices' stored balances, aged as of today (the dashboard)."""
    sums = Invoice.objects.filter(status__in=OPEN_STATUSES, balance_due__gt=0).aggregate(
        **_bucket_sums(base, "balance_due", today)
    )
    return AgingRow("All clients", {key: base.quantize(sums[key]) for key, *_ in BUCKETS})


def _settled_by(
    model: type[Payment] | type[CreditNote], date_field: str, amount: str, as_of: datetime.date
) -> Coalesce:
    rows = (
        model.objects.filter(invoice=OuterRef("pk"), **{f"{date_field}__lte": as_of})
        .order_by()
        .values("invoice")
        .annotate(sum=Sum(amount))
        .values("sum")
    )
    return Coalesce(Subquery(rows, output_field=AMOUNT), Value(ZERO), output_field=AMOUNT)


def balances_as_of(as_of: datetime.date, issued: DateRange) -> QuerySet[Invoice]:
    """Issued invoices with the balance they had on `as_of` (annotated `balance_then`).

    An invoice with no payment or credit note after `as_of` had its stored balance then. That
    also keeps closed what its credit notes closed (a cent of their separate rounding is not
    owed, money rule 8), which total - payments - credit notes would not.
    """
    later = Exists(Payment.objects.filter(invoice=OuterRef("pk"), date__gt=as_of)) | Exists(
        CreditNote.objects.filter(invoice=OuterRef("pk"), issue_date__gt=as_of)
    )
    replayed = (
        F("total")
        - _settled_by(Payment, "date", "amount", as_of)
        - _settled_by(CreditNote, "issue_date", "total", as_of)
    )
    # Only these can have owed something on `as_of`: one with no later activity owed then what it
    # owes now. Filtering first keeps the replay's subqueries to those few (not every invoice).
    candidates = (
        Q(balance_due__gt=0)
        | Q(pk__in=Payment.objects.filter(date__gt=as_of).values("invoice_id"))
        | Q(pk__in=CreditNote.objects.filter(issue_date__gt=as_of).values("invoice_id"))
    )
    return (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .filter(candidates, issued.q("issue_date"), issue_date__lte=as_of)
        .annotate(
            balance_then=Case(
                When(later, then=replayed), default=F("balance_due"), output_field=AMOUNT
            )
        )
        .filter(balance_then__gt=0)
    )


def aging_by_client(base: Base, as_of: datetime.date, issued: DateRange) -> list[AgingRow]:
    """One row per client that owed something on `as_of`, largest total first."""
    rows = (
        balances_as_of(as_of, issued)
        .order_by()
        .values("client_id", "client__name")
        .annotate(**_bucket_sums(base, "balance_then", as_of))
    )
    result = [
        AgingRow(
            row["client__name"],
            {key: base.quantize(row[key]) for key, *_ in BUCKETS},
            client_id=row["client_id"],
        )
        for row in rows
    ]
    return sorted(result, key=lambda row: (-row.total, row.label))


def aging_total(rows: Iterable[AgingRow]) -> AgingRow:
    total = AgingRow("Total", {key: ZERO for key, *_ in BUCKETS})
    for row in rows:
        for key, amount in row.buckets.items():
            total.buckets[key] += amount
    return total
