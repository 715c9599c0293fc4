"""The invoice schemas (in and out) and the conversions between them and the billing domain."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import StringConstraints

from invoicetron.api.fields import (
    CurrencyCode,
    Date,
    DateTime,
    DecimalString,
    Id,
    Input,
    Text,
    amount,
    plain,
)
from invoicetron.api.pagination import SyncParams
from invoicetron.api.routers.common import referenced, tax_rates
from invoicetron.billing import money, services
from invoicetron.billing.models import (
    Client,
    Invoice,
    InvoiceLine,
    NumberSeries,
    Product,
    is_overdue,
)

DiscountType = Literal["percent", "amount"]
StatusName = Literal["draft", "issued", "sent", "partially_paid", "paid", "credited"]
Description = Annotated[str, StringConstraints(max_length=2000), Field(examples=["Design work"])]
Unit = Annotated[str, StringConstraints(max_length=32), Field(examples=["hour"])]
MAX_LINES = 200


# -- In --------------------------------------------------------------------------------------------


class LineIn(Input):
    description: Description
    quantity: DecimalString = Field(examples=["3"])
    unit_price: DecimalString = Field(examples=["80.00"])
    unit: Unit = ""
    tax_ids: Annotated[list[Id], Field(max_length=10, default_factory=list)]
    discount_type: DiscountType = "percent"
    discount_value: DecimalString = "0"
    product_id: Id | None = None


class InvoiceIn(Input):
    client_id: Id
    currency: CurrencyCode | None = Field(
        None, description="Defaults to the client's currency, then the base currency."
    )
    series_id: Id | None = Field(None, description="Defaults to the default invoice series.")
    issue_date: Date | None = Field(None, description="Defaults to the day it is issued.")
    due_date: Date | None = Field(None, description="Defaults to issue date + payment terms.")
    prices_include_tax: bool = False
    discount_type: DiscountType = "percent"
    discount_value: DecimalString = "0"
    notes: Text = ""
    terms: Text = ""
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES, default_factory=list)]


class InvoicePatch(Input):
    """Only the fields sent change; `lines`, when sent, replaces every line."""

    client_id: Id | None = None
    currency: CurrencyCode | None = None
    series_id: Id | None = None
    issue_date: Date | None = None
    due_date: Date | None = None
    prices_include_tax: bool | None = None
    discount_type: DiscountType | None = None
    discount_value: DecimalString | None = None
    notes: Text | None = None
    terms: Text | None = None
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None


class IssueIn(Input):
    issue_date: Date | None = Field(None, description="Defaults to the draft's, else today.")
    exchange_rate: DecimalString | None = Field(
        None,
        description="Base-currency units per invoice-currency unit; required when the invoice "
        "is not in the base currency.",
    )


class InvoiceFilters(SyncParams):
    status: StatusName | None = None
    client_id: Id | None = None
    issue_date_from: Date | None = Field(None, description="Issued on or after this date.")
    issue_date_to: Date | None = Field(None, description="Issued on or before this date.")
    overdue: bool | None = Field(None, description="true: open, past due, with a balance.")


def line_data(index: int, line: LineIn) -> services.LineData:
    return services.LineData(
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        unit=line.unit,
        taxes=tax_rates(line.tax_ids, f"lines.{index}.tax_ids"),
        discount_type=line.discount_type,
        discount_value=line.discount_value,
        product=referenced(Product, line.product_id, f"lines.{index}.product_id", "product"),
    )


def draft_values(values: dict[str, Any]) -> dict[str, Any]:
    """A payload's fields as `create_draft`/`update_draft` keyword arguments."""
    result = dict(values)
    if "client_id" in result:
        result["client"] = referenced(Client, result.pop("client_id"), "client_id", "client")
    if "series_id" in result:
        series_id = result.pop("series_id")
        result["series"] = referenced(NumberSeries, series_id, "series_id", "number series")
    if result.get("lines") is not None:
        result["lines"] = [line_data(i, LineIn(**line)) for i, line in enumerate(result["lines"])]
    return result


# -- Out -------------------------------------------------------------------------------------------


class LineTaxOut(Schema):
    name: str
    rate: str


class LineOut(Schema):
    id: int
    position: int
    description: str
    quantity: str
    unit: str
    unit_price: str
    discount_type: DiscountType
    discount_value: str
    tax_ids: list[int]
    taxes: list[LineTaxOut]
    amount: str = Field(description="Net (or gross, with tax-inclusive prices), after discount.")
    product_id: int | None


class TaxTotalOut(Schema):
    name: str
    rate: str
    base: str
    tax: str


class TotalsOut(Schema):
    subtotal: str
    discount: str
    net_total: str
    tax_total: str
    total: str
    taxes: list[TaxTotalOut]


class InvoiceSummaryOut(Schema):
    id: int
    number: str | None = Field(description="Assigned when issued; null for drafts.")
    status: StatusName
    client_id: int
    currency: str
    issue_date: datetime.date | None
    due_date: datetime.date | None
    total: str
    amount_paid: str
    amount_credited: str
    balance_due: str
    is_overdue: bool
    updated_at: datetime.datetime


class InvoiceOut(InvoiceSummaryOut):
    series_id: int
    exchange_rate: str | None
    prices_include_tax: bool
    discount_type: DiscountType
    discount_value: str
    notes: str
    terms: str
    lines: list[LineOut]
    totals: TotalsOut
    created_at: datetime.datetime
    issued_at: DateTime | None
    sent_at: DateTime | None


# What a summary is made of. Lists read just these columns, as dicts: building a page of Invoice
# models (every column, from_db) cost more than the rest of the request.
SUMMARY_COLUMNS = (
    "id",
    "number",
    "status",
    "client_id",
    "currency",
    "issue_date",
    "due_date",
    "total",
    "amount_paid",
    "amount_credited",
    "balance_due",
    "updated_at",
)


def summary_fields(invoice: Invoice, today: datetime.date | None = None) -> dict[str, Any]:
    """The summary of an invoice already loaded, e.g. for its GET (InvoiceOut extends it)."""
    row = {name: getattr(invoice, name) for name in SUMMARY_COLUMNS}
    return row_summary(row, today or services.business_today())


def row_summary(row: Mapping[str, Any], today: datetime.date) -> dict[str, Any]:
    """The summary of an invoice read as SUMMARY_COLUMNS. `today`, the business's date, is read
    once per page by lists, not once per item."""
    currency = row["currency"]
    return {
        "id": row["id"],
        "number": row["number"] or None,
        "status": row["status"],
        "client_id": row["client_id"],
        "currency": currency,
        "issue_date": row["issue_date"],
        "due_date": row["due_date"],
        "total": amount(row["total"], currency),
        "amount_paid": amount(row["amount_paid"], currency),
        "amount_credited": amount(row["amount_credited"], currency),
        "balance_due": amount(row["balance_due"], currency),
        "is_overdue": is_overdue(row["status"], row["due_date"], row["balance_due"], today),
        "updated_at": row["updated_at"],
    }


def invoice_out(invoice: Invoice) -> InvoiceOut:
    totals = services.invoice_totals(invoice)
    rows = list(invoice.lines.prefetch_related("taxes"))
    frozen = {row["id"]: row for row in (invoice.snapshot or {}).get("lines", [])}
    lines = [
        _line_out(row, figures.amount, frozen.get(row.pk), invoice.currency)
        for row, figures in zip(rows, totals.lines, strict=False)
    ]
    return InvoiceOut(
        **summary_fields(invoice),
        series_id=invoice.series_id,
        exchange_rate=plain(invoice.exchange_rate),
        prices_include_tax=invoice.prices_include_tax,
        discount_type=invoice.discount_type,  # type: ignore[arg-type]
        discount_value=plain(invoice.discount_value) or "0",
        notes=invoice.notes,
        terms=invoice.terms,
        lines=lines,
        totals=totals_out(totals),
        created_at=invoice.created_at,
        issued_at=invoice.issued_at,
        sent_at=invoice.sent_at,
    )


def _line_out(
    row: InvoiceLine, value: Decimal, frozen: dict[str, Any] | None, currency: str
) -> LineOut:
    taxes = (
        [_frozen_tax(tax) for tax in frozen["taxes"]]
        if frozen
        else [LineTaxOut(name=tax.name, rate=plain(tax.rate) or "0") for tax in row.taxes.all()]
    )
    return LineOut(
        id=row.pk,
        position=row.position,
        description=row.description,
        quantity=plain(row.quantity) or "0",
        unit=row.unit,
        unit_price=plain(row.unit_price) or "0",
        discount_type=row.discount_type,  # type: ignore[arg-type]
        discount_value=plain(row.discount_value) or "0",
        tax_ids=sorted(tax.pk for tax in row.taxes.all()),
        taxes=taxes,
        amount=amount(value, currency),
        product_id=row.product_id,
    )


def _frozen_tax(tax: dict[str, str]) -> LineTaxOut:
    return LineTaxOut(name=tax["name"], rate=plain(Decimal(tax["rate"])) or "0")


def totals_out(totals: money.Totals) -> TotalsOut:
    currency = totals.currency
    return TotalsOut(
        subtotal=amount(totals.subtotal, currency),
        discount=amount(totals.discount, currency),
        net_total=amount(totals.net_total, currency),
        tax_total=amount(totals.tax_total, currency),
        total=amount(totals.total, currency),
        taxes=[
            TaxTotalOut(
                name=row.name,
                rate=plain(row.rate) or "0",
                base=amount(row.base, currency),
                tax=amount(row.tax, currency),
            )
            for row in totals.taxes
        ],
    )
