"""The reports: sales by period, tax summary, AR aging per client, payments received.

Each page takes its filter from the query string and gives the same figures as CSV with
`?format=csv`.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Case, F, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from invoicetron.billing.formatting import plain
from invoicetron.billing.models import BusinessProfile, Payment
from invoicetron.billing.services import business_today
from invoicetron.reports import sales as figures
from invoicetron.reports.aging import BUCKETS, CLIENTS_LISTED, aging_report
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.csvio.exports import amount, base_amount_cells
from invoicetron.reports.csvio.sqlcsv import Cell, IsoDate, MinorPlaces, Money
from invoicetron.reports.csvio.writer import csv_response, export_response
from invoicetron.reports.forms import AgingForm, DateRangeForm, SalesForm
from invoicetron.web.permissions import member_required


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def presets(today: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """Common ranges for the filter: (label in the UI language, start, end)."""
    month = today.replace(day=1)
    last_month_end = month - datetime.timedelta(days=1)
    quarter = _quarter_start(today)
    last_quarter_end = quarter - datetime.timedelta(days=1)
    return [
        (_("This month"), month, today),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("This quarter"), quarter, today),
        (_("Last quarter"), _quarter_start(last_quarter_end), last_quarter_end),
        (_("This year"), datetime.date(today.year, 1, 1), today),
        (
            _("Last year"),
            datetime.date(today.year - 1, 1, 1),
            datetime.date(today.year - 1, 12, 31),
        ),
    ]


def _setup(request: HttpRequest) -> tuple[Base, datetime.date]:
    profile = BusinessProfile.load()
    return Base.of(profile), business_today(profile)


def _wants_csv(request: HttpRequest) -> bool:
    return request.GET.get("format") == "csv"


def _page(request: HttpRequest, template: str, form: DateRangeForm, **context: Any) -> HttpResponse:
    query = request.GET.copy()
    query["format"] = "csv"
    context |= {"form": form, "csv_query": query.urlencode(), "presets": presets(context["today"])}
    return render(request, template, context)


def _stem(name: str, dates: DateRange) -> str:
    return f"{name}_{dates.start or 'start'}_{dates.end or 'end'}.csv"


@member_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/index.html")


@member_required
def sales(request: HttpRequest) -> HttpResponseBase:
    base, today = _setup(request)
    form = SalesForm(request.GET or None)
    dates, kind = form.dates(), form.period_kind()
    rows = figures.sales_by_period(base, dates, kind)
    total = figures.sum_rows(rows)
    if _wants_csv(request):
        header = [
            "period",
            "invoices",
            "invoiced_net",
            "invoiced_tax",
            "credit_notes",
            "credited_net",
            "credited_tax",
            "net_sales",
            "tax",
            "total",
            "currency",
        ]
        body = [_sales_cells(row, kind, base) for row in [*rows, total]]
        return csv_response(request, _stem(f"sales-by-{kind}", dates), header, body)
    labelled = [(figures.period_label(row.period, kind), row) for row in rows]
    return _page(
        request,
        "reports/sales.html",
        form,
        base=base,
        today=today,
        rows=labelled,
        total=total,
        kind=kind,
    )


def _sales_cells(row: figures.SalesRow, kind: str, base: Base) -> list[Any]:
    money = [row.invoiced_net, row.invoiced_tax]
    credited = [row.credited_net, row.credited_tax]
    return [
        figures.period_label(row.period, kind),
        row.invoices,
        *(amount(value, base.currency) for value in money),
        row.credit_notes,
        *(amount(value, base.currency) for value in credited),
        amount(row.net, base.currency),
        amount(row.tax, base.currency),
        amount(row.total, base.currency),
        base.currency,
    ]


@member_required
def tax(request: HttpRequest) -> HttpResponseBase:
    base, today = _setup(request)
    form = DateRangeForm(request.GET or None)
    dates = form.dates()
    rows = figures.tax_summary(base, dates)
    total_base = sum((row.base for row in rows), base.quantize(None))
    total_tax = sum((row.tax for row in rows), base.quantize(None))
    if _wants_csv(request):
        header = [
            "tax",
            "rate",
            "invoices",
            "invoiced_base",
            "invoiced_tax",
            "credit_notes",
            "credited_base",
            "credited_tax",
            "taxable_base",
            "tax_due",
            "currency",
        ]
        cur = base.currency
        body: list[list[Any]] = [
            [
                row.name,
                plain(row.rate),
                row.invoices,
                amount(row.invoiced_base, cur),
                amount(row.invoiced_tax, cur),
                row.credit_notes,
                amount(row.credited_base, cur),
                amount(row.credited_tax, cur),
                amount(row.base, cur),
                amount(row.tax, cur),
                cur,
            ]
            for row in rows
        ]
        body.append(["Total", "", "", "", "", "", "", "", "", amount(total_tax, cur), cur])
        return csv_response(request, _stem("tax-summary", dates), header, body)
    return _page(
        request,
        "reports/tax.html",
        form,
        base=base,
        today=today,
        rows=rows,
        total_base=total_base,
        total_tax=total_tax,
    )


@member_required
def aging(request: HttpRequest) -> HttpResponseBase:
    base, today = _setup(request)
    form = AgingForm(request.GET or None)
    dates, as_of = form.dates(), form.as_of_date(today)
    if _wants_csv(request):
        report = aging_report(base, as_of, dates)
        header = ["client", *(key for key, *_ in BUCKETS), "total", "currency", "as_of"]
        body = [
            [
                row.label,
                *(amount(row.buckets[key], base.currency) for key, *_ in BUCKETS),
                amount(row.total, base.currency),
                base.currency,
                as_of.isoformat(),
            ]
            for row in [*report.rows, report.total]
        ]
        return csv_response(request, f"ar-aging_{as_of}.csv", header, body)
    report = aging_report(base, as_of, dates, limit=CLIENTS_LISTED)
    return _page(
        request,
        "reports/aging.html",
        form,
        base=base,
        today=today,
        rows=report.rows,
        clients=report.clients,
        total=report.total,
        as_of=as_of,
        buckets=BUCKETS,
    )


@member_required
def payments(request: HttpRequest) -> HttpResponseBase:
    base, today = _setup(request)
    form = DateRangeForm(request.GET or None)
    dates = form.dates()
    if _wants_csv(request):
        header = [
            "date",
            "invoice_number",
            "client",
            "method",
            "reference",
            "amount",
            "currency",
            "base_amount",
            "base_currency",
        ]
        return export_response(
            request, _stem("payments", dates), header, lambda: _payment_cells(base, dates)
        )
    summary = figures.payments_summary(base, dates)
    listed = list(figures.payment_rows(base, dates)[: figures.PAYMENTS_LISTED])
    refunds = list(figures.refund_rows(base, dates)[: figures.PAYMENTS_LISTED])
    return _page(
        request,
        "reports/payments.html",
        form,
        base=base,
        today=today,
        summary=summary,
        payments=listed,
        refunds=refunds,
        limit=figures.PAYMENTS_LISTED,
    )


def _payment_cells(base: Base, dates: DateRange) -> QuerySet[Payment]:
    """The report's payments, then its refunds as rows of their own with negative amounts (so
    the amounts column sums to money received less money paid back, as the report's total),
    as cells that PostgreSQL writes as CSV (see `csvio.sqlcsv`)."""
    labels = Payment._meta.get_field("method").flatchoices
    method = Case(
        *(When(method=value, then=Value(str(label))) for value, label in labels),
        default=F("method"),
    )
    payments = figures.payment_rows(base, dates).values_list(
        IsoDate("date"),
        Cell("invoice__number"),
        Cell("invoice__client__name"),
        Cell(method),
        Cell("reference"),
        Money("amount", MinorPlaces("invoice__currency")),
        Cell("invoice__currency"),
        *base_amount_cells(base, F("base_amount")),
    )
    refunds = figures.refund_rows(base, dates).values_list(
        IsoDate("date"),
        Cell("invoice__number"),
        Cell("client__name"),
        Cell(method),
        Cell("reference"),
        Money(-F("amount"), MinorPlaces("currency")),
        Cell("currency"),
        *base_amount_cells(base, -F("base_amount")),
    )
    return payments.union(refunds, all=True)
