"""Accounts-receivable aging: what is owed, by how many days past its due date.

Buckets: current (not yet due), 1-30, 31-60, 61-90 and over 90 days past due. The dashboard ages
the stored balances as of today; the report ages the balance each invoice had on an "as of" date
(its total less the payments and credit notes dated up to then, plus the refunds of its payments
and what of them went onto client credit, less client credit applied to it), so last quarter's
aging can be reproduced later. Both read the open invoices with a balance from the partial index
billing_invoice_owed (billing migration 0009) rather than every invoice; the report is one
statement (`aging_report`), held to the invoice-by-invoice replay (`balances_as_of`) by
tests/reports/test_aging.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy, pgettext_lazy

from invoicetron.billing.models import (
    OPEN_STATUSES,
    CreditEntry,
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
    Refund,
)
from invoicetron.reports.amounts import AMOUNT, ZERO, Base, DateRange

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CLIENTS_LISTED = 50  # rows shown on the page, largest first; the total and the CSV have them all

# (key, label, lowest days past due, highest days past due or None)
# The labels are shown on the pages (in the page's language); the CSV names buckets by key. The
# ranges' en dashes are typographic, written as such for the translators (RUF001 silenced).
BUCKETS: tuple[tuple[str, StrOrPromise, int | None, int | None], ...] = (
    ("current", pgettext_lazy("not yet due", "Current"), None, 0),
    ("days_1_30", gettext_lazy("1–30 days"), 1, 30),  # noqa: RUF001
    ("days_31_60", gettext_lazy("31–60 days"), 31, 60),  # noqa: RUF001
    ("days_61_90", gettext_lazy("61–90 days"), 61, 90),  # noqa: RUF001
    ("days_over_90", gettext_lazy("Over 90 days"), 91, None),
)


@dataclass
class AgingRow:
    label: str
    buckets: dict[str, Decimal] = field(default_factory=dict)
    client_id: int | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.buckets.values(), ZERO)


def bucket_bounds(
    as_of: datetime.date,
) -> dict[str, tuple[datetime.date | None, datetime.date | None]]:
    """Each bucket's earliest and latest due date relative to `as_of` (None: no limit)."""
    bounds = {}
    for key, _label, low, high in BUCKETS:
        # At most `high` days late: due on or after as_of - high; at least `low`: on or before.
        earliest = as_of - datetime.timedelta(days=high) if high is not None else None
        latest = as_of - datetime.timedelta(days=low) if low is not None else None
        bounds[key] = (earliest, latest)
    return bounds


def bucket_filters(as_of: datetime.date) -> dict[str, Q]:
    """Each bucket as a condition on the due date, relative to `as_of`."""
    filters = {}
    for key, (earliest, latest) in bucket_bounds(as_of).items():
        condition = Q()
        if earliest is not None:
            condition &= Q(due_date__gte=earliest)
        if latest is not None:
            condition &= Q(due_date__lte=latest)
        filters[key] = condition
    return filters


def _bucket_sums(base: Base, amount: str, as_of: datetime.date) -> dict[str, Any]:
    return {
        key: base.total(amount, filter_q=condition)
        for key, condition in bucket_filters(as_of).items()
    }


def owed_by_age(base: Base, today: datetime.date) -> dict[str | None, tuple[Decimal, int]]:
    """What the open invoices owe now, per bucket as of today: (amount, how many) (the dashboard).

    One pass over the partial index billing_invoice_owed (an index-only scan), each balance
    converted once. An invoice without a due date is in no bucket (the key None)."""
    ages = Case(
        *(When(condition, then=Value(key)) for key, condition in bucket_filters(today).items()),
        output_field=CharField(),
    )
    rows = (
        Invoice.objects.filter(status__in=OPEN_STATUSES, balance_due__gt=0)
        .annotate(age=ages)
        .order_by()
        .values_list("age")
        .annotate(amount=base.total("balance_due"), count=Count("id"))
    )
    return {age: (base.quantize(amount), count) for age, amount, count in rows}


def current_aging(owed: dict[str | None, tuple[Decimal, int]]) -> AgingRow:
    """`owed_by_age` as one row of buckets."""
    return AgingRow("All clients", {key: owed.get(key, (ZERO, 0))[0] for key, *_ in BUCKETS})


def _settled_by(
    model: type[Payment] | type[CreditNote] | type[Refund] | type[CreditEntry],
    date_field: str,
    amount: str,
    as_of: datetime.date,
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
    # What settles an invoice, by date: payments and credit notes; a refund of a payment, and
    # what of its payments and notes went onto client credit (positive ledger rows), take back;
    # client credit applied to it (negative ledger rows) settles.
    movements: tuple[tuple[type[Model], str], ...] = (
        (Payment, "date"),
        (CreditNote, "issue_date"),
        (Refund, "date"),
        (CreditEntry, "date"),
    )
    later = Q()
    for model, date_field in movements:
        rows = model._default_manager.filter(invoice=OuterRef("pk"), **{f"{date_field}__gt": as_of})
        later |= Q(Exists(rows))
    replayed = (
        F("total")
        - _settled_by(Payment, "date", "amount", as_of)
        - _settled_by(CreditNote, "issue_date", "total", as_of)
        + _settled_by(Refund, "date", "amount", as_of)
        + _settled_by(CreditEntry, "date", "amount", as_of)
    )
    # Only these can have owed something on `as_of`: one with no later activity owed then what it
    # owes now. Filtering first keeps the replay's subqueries to those few (not every invoice).
    candidates = Q(balance_due__gt=0)
    for model, date_field in movements:
        candidates |= Q(
            pk__in=model._default_manager.filter(**{f"{date_field}__gt": as_of}).values(
                "invoice_id"
            )
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


@dataclass
class AgingReport:
    rows: list[AgingRow]  # the largest first; all of them, or the first `limit`
    total: AgingRow  # of every client, listed or not
    clients: int  # how many owed something


# Each invoice's balance on `as_of`, then per client and bucket, in one statement. An invoice with
# a payment, refund, client-credit movement or credit note dated after `as_of` owed then its
# total less what was paid and credited by then, i.e. its total less everything paid and
# credited, plus what came after (`later`: the payments after `as_of` are joined to their
# invoices before they are summed, so that those of invoices issued after `as_of`, most of them
# for a past date, are dropped first). Any other owed then what it owes now: the open invoices
# with a balance, read from the partial index billing_invoice_owed alone (an index-only scan, not
# every invoice). As in `balances_as_of` (the reference the tests hold this to), a stored balance
# closed by credit notes stays closed. Each balance is converted on its own (reports.amounts),
# then summed.
_AGING_SQL = """
WITH later AS MATERIALIZED (
    SELECT i.id, i.client_id, i.due_date, i.exchange_rate,
           i.total - i.amount_paid - i.amount_credited + SUM(settled.amount) AS balance
      FROM (SELECT invoice_id, amount FROM billing_payment WHERE date > %(as_of)s
            UNION ALL
            SELECT invoice_id, total FROM billing_creditnote WHERE issue_date > %(as_of)s
            UNION ALL  -- refunds of payments, and client credit moved off or onto the invoice
            SELECT invoice_id, -amount FROM billing_refund
             WHERE date > %(as_of)s AND invoice_id IS NOT NULL
            UNION ALL
            SELECT invoice_id, -amount FROM billing_creditentry
             WHERE date > %(as_of)s AND invoice_id IS NOT NULL
           ) AS settled
      JOIN billing_invoice i ON i.id = settled.invoice_id
     WHERE i.status <> 'draft' AND {issued}
     GROUP BY i.id
), owed AS (
    -- Converted in each branch: an expression over the union would be computed again in
    -- each bucket's sum.
    SELECT i.client_id, i.due_date, ROUND(i.balance_due * i.exchange_rate, %(places)s) AS amount
      FROM billing_invoice i
     WHERE i.balance_due > 0 AND i.status IN ({open_statuses}) AND {issued}
       AND NOT EXISTS (SELECT FROM later WHERE later.id = i.id)
    UNION ALL
    SELECT client_id, due_date, ROUND(balance * exchange_rate, %(places)s)
      FROM later WHERE balance > 0
), clients AS (
    SELECT client_id, {bucket_sums} FROM owed GROUP BY client_id
)
SELECT c.client_id, cl.name, {buckets}, COUNT(*) OVER (), {bucket_totals}
  FROM clients c JOIN billing_client cl ON cl.id = c.client_id
 ORDER BY {total} DESC, cl.name, c.client_id
 LIMIT %(limit)s
"""

_ISSUED_SQL = (
    "i.issue_date <= %(as_of)s AND (%(start)s::date IS NULL OR i.issue_date >= %(start)s)"
    " AND (%(end)s::date IS NULL OR i.issue_date <= %(end)s)"
)


def _aging_sql() -> str:
    keys = [key for key, *_ in BUCKETS]
    conditions = {}
    for key, _label, low, high in BUCKETS:  # the bounds that bucket_bounds gives
        parts = []
        if high is not None:
            parts.append(f"due_date >= %({key}_from)s")
        if low is not None:
            parts.append(f"due_date <= %({key}_to)s")
        conditions[key] = " AND ".join(parts)
    return _AGING_SQL.format(
        open_statuses=", ".join(f"'{status}'" for status in OPEN_STATUSES),
        issued=_ISSUED_SQL,
        bucket_sums=", ".join(
            f"COALESCE(SUM(amount) FILTER (WHERE {conditions[key]}), 0) AS {key}" for key in keys
        ),
        buckets=", ".join(f"c.{key}" for key in keys),
        bucket_totals=", ".join(f"SUM(c.{key}) OVER ()" for key in keys),
        total=" + ".join(f"c.{key}" for key in keys),
    )


AGING_SQL = _aging_sql()


def aging_report(
    base: Base, as_of: datetime.date, issued: DateRange, limit: int | None = None
) -> AgingReport:
    """Per client, what was owed on `as_of` by days past due: the `limit` largest (or all), the
    total of all and their number, from one query whatever the number of invoices."""
    params: dict[str, Any] = {
        "as_of": as_of,
        "start": issued.start,
        "end": issued.end,
        "places": base.places,
        "limit": limit,
    }
    for key, (earliest, latest) in bucket_bounds(as_of).items():
        params[f"{key}_from"], params[f"{key}_to"] = earliest, latest
    with connection.cursor() as cursor:
        cursor.execute(AGING_SQL, params)
        found = cursor.fetchall()
    keys = [key for key, *_ in BUCKETS]
    rows = [
        AgingRow(
            name,
            {key: base.quantize(amount) for key, amount in zip(keys, amounts, strict=True)},
            client_id=client_id,
        )
        for client_id, name, *amounts in (row[: 2 + len(keys)] for row in found)
    ]
    totals = found[0][3 + len(keys) :] if found else [ZERO] * len(keys)
    total = AgingRow(
        "Total", {key: base.quantize(amount) for key, amount in zip(keys, totals, strict=True)}
    )
    return AgingReport(rows, total, int(found[0][2 + len(keys)]) if found else 0)


def aging_by_client(base: Base, as_of: datetime.date, issued: DateRange) -> list[AgingRow]:
    """One row per client that owed something on `as_of`, largest total first."""
    return aging_report(base, as_of, issued).rows


def aging_by_client_from_documents(
    base: Base, as_of: datetime.date, issued: DateRange
) -> list[AgingRow]:
    """`aging_by_client` replayed invoice by invoice (slow: a subquery per payment and credit
    note sum; the reference that tests/reports/test_aging.py holds the query to)."""
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
