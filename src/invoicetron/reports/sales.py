"""The reports' figures: sales by period, tax summary per rate, payments received less refunds.

All in the base currency (see amounts.py), all aggregated by PostgreSQL. Credit notes count in
the period of their own issue date and reduce sales and tax there, the way they are declared.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Trunc
from django.utils.translation import gettext_lazy

from invoicetron.billing.formatting import tax_label
from invoicetron.billing.models import (
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
    PaymentMethod,
    PaymentSummaryDay,
    Refund,
    SalesSummaryDay,
    SummaryKind,
    TaxSummaryDay,
)
from invoicetron.reports.amounts import ZERO, Base, DateRange

PERIODS = {
    "month": gettext_lazy("Month"),
    "quarter": gettext_lazy("Quarter"),
    "year": gettext_lazy("Year"),
}
PAYMENTS_LISTED = 100  # rows shown on the page; the CSV has them all


@dataclass
class SalesRow:
    period: datetime.date | None
    invoices: int = 0
    credit_notes: int = 0
    invoiced_net: Decimal = ZERO
    invoiced_tax: Decimal = ZERO
    credited_net: Decimal = ZERO
    credited_tax: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.invoiced_net - self.credited_net

    @property
    def tax(self) -> Decimal:
        return self.invoiced_tax - self.credited_tax

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


def period_label(period: datetime.date | None, kind: str) -> str:
    if period is None:
        return "Total"
    if kind == "year":
        return f"{period:%Y}"
    if kind == "quarter":
        return f"{period:%Y} Q{(period.month - 1) // 3 + 1}"
    return f"{period:%Y-%m}"


def issued_invoices(dates: DateRange) -> QuerySet[Invoice]:
    return Invoice.objects.exclude(status=InvoiceStatus.DRAFT).filter(dates.q("issue_date"))


def _grouped(queryset: QuerySet[Any], kind: str, rate: str, base: Base) -> list[dict[str, Any]]:
    return list(
        queryset.annotate(period=Trunc("issue_date", kind))
        .order_by()
        .values("period")
        .annotate(
            count=Count("id"),
            net=base.total("net_total", rate),
            tax=base.sum(base.tax(rate)),
        )
    )


def sales_by_period(base: Base, dates: DateRange, kind: str = "month") -> list[SalesRow]:
    """One row per period with activity, oldest first (totals: `sum_rows`).

    Read from the sales summary (billing.models.summary: one row per day and kind, kept by
    triggers); from the documents only when some of it is in another base currency.
    """
    if SalesSummaryDay.objects.exclude(base_currency=base.currency).exists():
        return sales_by_period_from_documents(base, dates, kind)
    grouped = (
        SalesSummaryDay.objects.filter(dates.q("day"), base_currency=base.currency)
        .annotate(period=Trunc("day", kind))
        .order_by()
        .values_list("period", "kind")
        .annotate(Sum("documents"), Sum("net"), Sum("tax"))
    )
    rows: dict[datetime.date, SalesRow] = {}
    for period, document_kind, count, stored_net, stored_tax in grouped:
        net, tax = base.quantize(stored_net), base.quantize(stored_tax)  # stored with 4 places
        target = rows.setdefault(period, SalesRow(period))
        if document_kind == SummaryKind.INVOICE:
            target.invoices, target.invoiced_net, target.invoiced_tax = count, net, tax
        else:
            target.credit_notes, target.credited_net, target.credited_tax = count, net, tax
    return [rows[key] for key in sorted(rows)]


def sales_by_period_from_documents(
    base: Base, dates: DateRange, kind: str = "month"
) -> list[SalesRow]:
    """`sales_by_period` computed from every document (slow: reads them all)."""
    rows: dict[datetime.date, SalesRow] = {}
    for row in _grouped(issued_invoices(dates), kind, "exchange_rate", base):
        target = rows.setdefault(row["period"], SalesRow(row["period"]))
        target.invoices, target.invoiced_net, target.invoiced_tax = (
            row["count"],
            row["net"],
            row["tax"],
        )
    notes = CreditNote.objects.filter(dates.q("issue_date"))
    for row in _grouped(notes, kind, "invoice__exchange_rate", base):
        target = rows.setdefault(row["period"], SalesRow(row["period"]))
        target.credit_notes, target.credited_net, target.credited_tax = (
            row["count"],
            row["net"],
            row["tax"],
        )
    return [rows[key] for key in sorted(rows)]


def sum_rows(rows: list[SalesRow]) -> SalesRow:
    total = SalesRow(None)
    for row in rows:
        total.invoices += row.invoices
        total.credit_notes += row.credit_notes
        total.invoiced_net += row.invoiced_net
        total.invoiced_tax += row.invoiced_tax
        total.credited_net += row.credited_net
        total.credited_tax += row.credited_tax
    return total


# -- Tax summary -------------------------------------------------------------------------------

# The tax breakdown of each document is frozen in its snapshot (totals.taxes: name, rate, base,
# tax); PostgreSQL unnests it with jsonb_array_elements and sums per (name, rate), each row
# converted on its own (money rule 9, as amounts.Base.tax converts a document's tax for sales).
_TAX_SQL = """
SELECT t.row->>'name' AS name, (t.row->>'rate')::numeric AS rate,
       COUNT(DISTINCT d.id) AS documents,
       COALESCE(SUM(ROUND((t.row->>'base')::numeric * {rate}, %(places)s)), 0) AS base,
       COALESCE(SUM(ROUND((t.row->>'tax')::numeric * {rate}, %(places)s)), 0) AS tax
  FROM {table} d {join}
 CROSS JOIN LATERAL jsonb_array_elements(d.snapshot->'totals'->'taxes') AS t(row)
 WHERE {where} (%(start)s::date IS NULL OR d.issue_date >= %(start)s::date)
   AND (%(end)s::date IS NULL OR d.issue_date <= %(end)s::date)
 GROUP BY 1, 2
"""


@dataclass
class TaxRow:
    name: str
    rate: Decimal
    invoices: int = 0
    credit_notes: int = 0
    invoiced_base: Decimal = ZERO
    invoiced_tax: Decimal = ZERO
    credited_base: Decimal = ZERO
    credited_tax: Decimal = ZERO

    @property
    def base(self) -> Decimal:
        return self.invoiced_base - self.credited_base

    @property
    def tax(self) -> Decimal:
        return self.invoiced_tax - self.credited_tax

    @property
    def label(self) -> str:
        return tax_label(self.name, self.rate)


def _tax_rows(sql: str, base: Base, dates: DateRange) -> list[tuple[Any, ...]]:
    params = {"places": base.places, "start": dates.start, "end": dates.end}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def tax_summary(base: Base, dates: DateRange) -> list[TaxRow]:
    """Per tax (name, rate): taxable base and tax invoiced, credited, and the difference.

    Read from the tax summary (billing.models.summary: a few rows per day, kept by triggers);
    from the documents themselves only when some of it was converted to another base currency
    (the base currency changed after documents were issued).
    """
    summary = TaxSummaryDay.objects.filter(base_currency=base.currency)
    if TaxSummaryDay.objects.exclude(base_currency=base.currency).exists():
        return tax_summary_from_documents(base, dates)
    grouped = (
        summary.filter(dates.q("day"))
        .order_by()
        .values_list("kind", "name", "rate")
        .annotate(Sum("documents"), Sum("base"), Sum("tax"))
    )
    rows: dict[tuple[str, Decimal], TaxRow] = {}
    for kind, name, rate, count, stored_base, stored_tax in grouped:
        amount_base, tax = base.quantize(stored_base), base.quantize(stored_tax)
        row = rows.setdefault((name, rate.normalize()), TaxRow(name, rate.normalize()))
        if kind == SummaryKind.INVOICE:
            row.invoices, row.invoiced_base, row.invoiced_tax = count, amount_base, tax
        else:
            row.credit_notes, row.credited_base, row.credited_tax = count, amount_base, tax
    return sorted(rows.values(), key=lambda row: (row.rate, row.name))


def tax_summary_from_documents(base: Base, dates: DateRange) -> list[TaxRow]:
    """`tax_summary` computed from every document's frozen breakdown (slow: reads them all)."""
    invoice_sql = _TAX_SQL.format(
        table=Invoice._meta.db_table,
        join="",
        rate="d.exchange_rate",
        where="d.status <> 'draft' AND",
    )
    note_sql = _TAX_SQL.format(
        table=CreditNote._meta.db_table,
        join=f"JOIN {Invoice._meta.db_table} i ON i.id = d.invoice_id",
        rate="i.exchange_rate",
        where="",
    )
    rows: dict[tuple[str, Decimal], TaxRow] = {}
    for name, rate, count, amount_base, tax in _tax_rows(invoice_sql, base, dates):
        row = rows.setdefault((name, rate.normalize()), TaxRow(name, rate))
        row.invoices, row.invoiced_base, row.invoiced_tax = count, amount_base, tax
    for name, rate, count, amount_base, tax in _tax_rows(note_sql, base, dates):
        row = rows.setdefault((name, rate.normalize()), TaxRow(name, rate))
        row.credit_notes, row.credited_base, row.credited_tax = count, amount_base, tax
    return sorted(rows.values(), key=lambda row: (row.rate, row.name))


# -- Payments ----------------------------------------------------------------------------------


def payments_in(dates: DateRange) -> QuerySet[Payment]:
    return Payment.objects.filter(dates.q("date"))


def payment_rows(base: Base, dates: DateRange) -> QuerySet[Payment]:
    """Payments with their invoice, client and amount in the base currency, oldest first."""
    return (
        payments_in(dates)
        .select_related("invoice", "invoice__client")
        .annotate(base_amount=base.convert("amount", "invoice__exchange_rate"))
        .order_by("date", "id")
    )


def refunds_in(dates: DateRange) -> QuerySet[Refund]:
    return Refund.objects.filter(dates.q("date"))


def refund_rows(base: Base, dates: DateRange) -> QuerySet[Refund]:
    """Refunds (of payments and of client credit) with their amount in the base currency, each
    converted with its own rate (its invoice's, or that of the invoice the credit came from)."""
    return (
        refunds_in(dates)
        .select_related("invoice", "client")
        .annotate(base_amount=base.convert("amount"))
        .order_by("date", "id")
    )


def payments_summary(base: Base, dates: DateRange) -> dict[str, Any]:
    """Per method: payments received, refunds paid back and the net amount, from the payment
    summary (one row per day and method, kept by triggers); from the payments and refunds
    themselves when some of it is in another base currency. The net total is what the dashboard
    counts as received: payments less refunds, to the cent."""
    if PaymentSummaryDay.objects.exclude(base_currency=base.currency).exists():
        return payments_summary_from_documents(base, dates)
    by_method = (
        PaymentSummaryDay.objects.filter(dates.q("day"), base_currency=base.currency)
        .order_by()
        .values("method")
        .annotate(
            count=Sum("payments"),
            stored=Sum("amount"),
            refund_count=Sum("refunds"),
            stored_refunded=Sum("refunded"),
        )
        .filter(Q(count__gt=0) | Q(refund_count__gt=0))
        .order_by("method")
    )
    return _summary(
        [
            {
                "method": row["method"],
                "count": row["count"],
                "refunds": row["refund_count"],
                "refunded": base.quantize(row["stored_refunded"]),
                "amount": base.quantize(row["stored"]),
            }
            for row in by_method
        ]
    )


def payments_summary_from_documents(base: Base, dates: DateRange) -> dict[str, Any]:
    """`payments_summary` from every payment and refund (slow: reads them all)."""
    received = (
        payments_in(dates)
        .order_by()
        .values("method")
        .annotate(count=Count("id"), amount=base.total("amount", "invoice__exchange_rate"))
    )
    paid_back = (
        refunds_in(dates)
        .order_by()
        .values("method")
        .annotate(count=Count("id"), amount=base.total("amount"))
    )
    methods: dict[str, dict[str, Any]] = {}
    for row in received:
        methods[row["method"]] = {"count": row["count"], "refunds": 0, "refunded": ZERO}
        methods[row["method"]]["amount"] = row["amount"]
    for row in paid_back:
        entry = methods.setdefault(row["method"], {"count": 0, "amount": ZERO})
        entry |= {"refunds": row["count"], "refunded": row["amount"]}
        entry["amount"] -= row["amount"]
    return _summary([{"method": key} | methods[key] for key in sorted(methods)])


def _summary(methods: list[dict[str, Any]]) -> dict[str, Any]:
    for row in methods:
        row["label"] = PaymentMethod(row["method"]).label
    return {
        "methods": methods,
        "count": sum(row["count"] for row in methods),
        "refunds": sum(row["refunds"] for row in methods),
        "refunded": sum((row["refunded"] for row in methods), ZERO),
        "total": sum((row["amount"] for row in methods), ZERO),
    }
