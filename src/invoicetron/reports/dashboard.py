"""The dashboard's figures: a fixed number of aggregate queries, whatever the amount of data.

Nothing here loads documents into Python: every figure is a SUM/COUNT computed by PostgreSQL,
and the lists (top clients, recent activity) are LIMITed. What is owed comes from the partial
index of open invoices with a balance (billing_invoice_owed), payments and sales from the per-day
summaries, the top clients from the per-client month summary; each `..._from_documents` twin
computes the same from the documents for the tests (and for a base currency changed later).
"""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Expression, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from invoicetron.billing import caching
from invoicetron.billing.models import (
    OPEN_STATUSES,
    AuditEvent,
    BusinessProfile,
    Client,
    ClientSummaryMonth,
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentSummaryDay,
    Refund,
)
from invoicetron.billing.services import business_today
from invoicetron.reports.aging import BUCKETS, AgingRow, current_aging, owed_by_age
from invoicetron.reports.amounts import AMOUNT, ZERO, Base, DateRange
from invoicetron.reports.hooks import FailedEmails, failed_emails
from invoicetron.reports.sales import sales_by_period

MONTHS_SHOWN = 12
TOP_CLIENTS = 5
RECENT_EVENTS = 8
TOP_CLIENTS_ORDER = ("-invoiced", "client_id")
CURRENT = BUCKETS[0][0]  # not yet due; every other bucket is overdue


@dataclass(frozen=True)
class MonthFigures:
    month: datetime.date
    invoiced: Decimal  # invoice totals (tax included) less credit notes, by issue month
    received: Decimal  # payments less refunds, by payment (refund) date


@dataclass(frozen=True)
class Dashboard:
    base: Base
    today: datetime.date
    outstanding: Decimal
    outstanding_count: int
    overdue: Decimal
    overdue_count: int
    paid_this_month: Decimal
    paid_this_year: Decimal
    months: list[MonthFigures]
    aging: AgingRow
    top_clients: list[dict[str, Any]]
    recent_events: list[AuditEvent]
    failed_emails: FailedEmails | None


def month_starts(today: datetime.date, count: int = MONTHS_SHOWN) -> list[datetime.date]:
    """The first day of the last `count` months, oldest first, this month included."""
    year, month = today.year, today.month
    starts = []
    for _ in range(count):
        starts.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def _by_month(
    queryset: Any, date_field: str, converted: Expression, base: Base
) -> dict[Any, Decimal]:
    rows = (
        queryset.annotate(month=TruncMonth(date_field))
        .order_by()
        .values("month")
        .annotate(sum=base.sum(converted))
    )
    return {row["month"]: row["sum"] for row in rows}


def monthly_figures(base: Base, today: datetime.date) -> list[MonthFigures]:
    """Invoiced per month as the sales report has it (money rule 9), and payments received."""
    starts = month_starts(today)
    summarised = sales_by_period(base, DateRange(starts[0], today), "month")
    net_sales = {row.period: row.total for row in summarised}
    received = _received_by_month(base, starts[0], today)
    return [
        MonthFigures(
            month,
            base.quantize(net_sales.get(month, ZERO)),
            base.quantize(received.get(month, ZERO)),
        )
        for month in starts
    ]


def _received_by_month(
    base: Base, since: datetime.date, today: datetime.date
) -> dict[datetime.date, Decimal]:
    """Payments per month, from the payment summary (one row per day and method, kept by
    triggers); from the payments themselves when some of it is in another base currency."""
    if PaymentSummaryDay.objects.exclude(base_currency=base.currency).exists():
        return _payments_by_month(base, since, today)
    rows = (
        PaymentSummaryDay.objects.filter(
            base_currency=base.currency, day__gte=since, day__lte=today
        )
        .annotate(month=TruncMonth("day"))
        .order_by()
        .values("month")
        .annotate(sum=Sum("amount"))
    )
    return {row["month"]: row["sum"] for row in rows}


def _payments_by_month(
    base: Base, since: datetime.date, today: datetime.date
) -> dict[datetime.date, Decimal]:
    """Payments less refunds per month, each converted with its own rate (as the summary)."""
    received = _by_month(
        Payment.objects.filter(date__gte=since, date__lte=today),
        "date",
        base.convert("amount", "invoice__exchange_rate"),
        base,
    )
    refunded = _by_month(
        Refund.objects.filter(date__gte=since, date__lte=today),
        "date",
        base.convert("amount"),
        base,
    )
    return {
        month: received.get(month, ZERO) - refunded.get(month, ZERO)
        for month in received.keys() | refunded.keys()
    }


def monthly_figures_from_documents(base: Base, today: datetime.date) -> list[MonthFigures]:
    """`monthly_figures` from every document of the twelve months (what the summary saves)."""
    starts = month_starts(today)
    window = Q(issue_date__gte=starts[0], issue_date__lte=today)
    invoiced = _by_month(
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT).filter(window),
        "issue_date",
        base.document_total("exchange_rate"),
        base,
    )
    credited = _by_month(
        CreditNote.objects.filter(window),
        "issue_date",
        base.document_total("invoice__exchange_rate"),
        base,
    )
    received = _payments_by_month(base, starts[0], today)
    return [
        MonthFigures(
            month,
            base.quantize(invoiced.get(month, ZERO) - credited.get(month, ZERO)),
            base.quantize(received.get(month, ZERO)),
        )
        for month in starts
    ]


def top_clients(base: Base, today: datetime.date, limit: int = TOP_CLIENTS) -> list[dict[str, Any]]:
    """The clients invoiced most (less credit notes) over the last twelve months.

    Read from the per-client summary (billing.models.summary.ClientSummaryMonth: one row per
    month of issue and client, kept by triggers); from the documents only when some of it is in
    another base currency. The summary's current month also holds the invoices dated later in it
    than today, which the documents' figures leave out: those few are read from the documents and
    taken off again.
    """
    # Two ranges of the summary's key index, where exclude() would read every row.
    elsewhere = Q(base_currency__lt=base.currency) | Q(base_currency__gt=base.currency)
    if ClientSummaryMonth.objects.filter(elsewhere).exists():
        return top_clients_from_documents(base, today, limit)
    next_month = (today.replace(day=1) + datetime.timedelta(days=31)).replace(day=1)
    ahead = list(
        _invoiced_by_client(
            base, DateRange(today + datetime.timedelta(days=1), next_month - datetime.timedelta(1))
        )
    )
    # Grouped by the client's id alone (grouping by its name too doubles the time); the names of
    # the few listed are read afterwards.
    rows = (
        ClientSummaryMonth.objects.filter(
            base_currency=base.currency, month__gte=month_starts(today)[0], month__lte=today
        )
        .order_by()
        .values("client_id")
        .annotate(invoiced=Sum("total"), outstanding=Sum("owed"), invoices=Sum("documents"))
        .filter(invoices__gt=0)
    )
    if not ahead:
        return _named(list(rows.order_by(*TOP_CLIENTS_ORDER)[:limit]))
    by_client = {row["client_id"]: row for row in rows}
    if any(later["client_id"] not in by_client for later in ahead):
        return top_clients_from_documents(base, today, limit)  # the triggers were bypassed
    for later in ahead:
        row = by_client[later["client_id"]]
        for key in ("invoiced", "outstanding", "invoices"):
            row[key] -= later[key]
    kept = [row for row in by_client.values() if row["invoices"] > 0]
    kept.sort(key=lambda row: (-row["invoiced"], row["client_id"]))
    return _named(kept[:limit])


def _named(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows with their client's name, under the key the documents' rows have it."""
    names = dict(
        Client.objects.filter(pk__in=[row["client_id"] for row in rows])
        .order_by()
        .values_list("pk", "name")
    )
    return [
        {"client_id": row["client_id"], "client__name": names[row["client_id"]]} | row
        for row in rows
    ]


def top_clients_from_documents(
    base: Base, today: datetime.date, limit: int = TOP_CLIENTS
) -> list[dict[str, Any]]:
    """`top_clients` computed from every invoice of the twelve months (what the summary saves)."""
    rows = _invoiced_by_client(base, DateRange(month_starts(today)[0], today))
    return list(rows.order_by(*TOP_CLIENTS_ORDER)[:limit])


def _invoiced_by_client(base: Base, issued: DateRange) -> QuerySet[Invoice, dict[str, Any]]:
    open_q = Q(status__in=OPEN_STATUSES)
    return (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .filter(issued.q("issue_date"))
        .order_by()
        .values("client_id", "client__name")
        .annotate(
            invoiced=base.sum(base.document_total() - _credited(base)),
            outstanding=base.total("balance_due", filter_q=open_q),
            invoices=Count("id"),
        )
    )


def _credited(base: Base) -> Coalesce:
    """Each invoice's credit notes in the base currency, converted as the reports convert them."""
    notes = (
        CreditNote.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(sum=Sum(base.document_total("invoice__exchange_rate")))
        .values("sum")
    )
    return Coalesce(Subquery(notes, output_field=AMOUNT), Value(ZERO), output_field=AMOUNT)


def build_dashboard(profile: BusinessProfile | None = None) -> Dashboard:
    """The figures; reused while nothing in billing changes (billing.caching.while_unchanged).

    The aggregates read the partial index of open invoices and the summaries kept by triggers
    (per client and month, per day: bench/results/2026-12-06-aging-dashboard.md has the figures);
    the change marker is one read of a sequence. The failed emails come from
    the messaging app, whose tables do not move the billing marker, so they are always read afresh.
    """
    profile = profile or BusinessProfile.load()
    base = Base.of(profile)
    today = business_today(profile)
    figures = caching.while_unchanged(
        caching.key_of("dashboard", base, today), lambda: compute_figures(base, today)
    )
    return dataclasses.replace(figures, failed_emails=failed_emails())


def compute_figures(base: Base, today: datetime.date) -> Dashboard:
    owed = owed_by_age(base, today)
    months = monthly_figures(base, today)
    overdue = [figures for age, figures in owed.items() if age not in (None, CURRENT)]
    return Dashboard(
        base=base,
        today=today,
        outstanding=sum((amount for amount, _count in owed.values()), base.quantize(ZERO)),
        outstanding_count=sum(count for _amount, count in owed.values()),
        overdue=sum((amount for amount, _count in overdue), base.quantize(ZERO)),
        overdue_count=sum(count for _amount, count in overdue),
        paid_this_month=months[-1].received,
        paid_this_year=sum(
            (month.received for month in months if month.month.year == today.year),
            base.quantize(ZERO),
        ),
        months=months,
        aging=current_aging(owed),
        top_clients=top_clients(base, today),
        recent_events=list(AuditEvent.objects.order_by("-created_at", "-id")[:RECENT_EVENTS]),
        failed_emails=None,
    )
