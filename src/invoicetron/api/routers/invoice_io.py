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
    ShortText,
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
from invoicetron.billing.services.deducting import deductions_of

DiscountType = Literal["percent", "amount"]
StatusName = Literal["draft", "issued", "sent", "partially_paid", "paid", "credited"]
InvoiceKindName = Literal["standard", "deposit"]
Description = Annotated[str, StringConstraints(max_length=2000), Field(examples=["Design work"])]
Unit = Annotated[str, StringConstraints(max_length=32), Field(examples=["hour"])]
MAX_LINES = 200
ZERO = Decimal(0)
MAX_ADJUSTMENTS = 20
UnitCode = Annotated[
    str,
    StringConstraints(max_length=3),
    Field(
        examples=["HUR"],
        description="UN/ECE Rec. 20 (HUR hour, DAY, C62 one); empty: the product's, else "
        "derived from `unit` in e-invoices.",
    ),
]
ReasonCode = Annotated[
    str,
    StringConstraints(max_length=3),
    Field(examples=["95"], description="UNCL5189 (allowances, e.g. 95) or UNCL7161 (charges)."),
]


# -- In --------------------------------------------------------------------------------------------


class AdjustmentIn(Input):
    """An allowance (charge false) or a charge; it needs a reason, a reason code, or both."""

    charge: bool = False
    kind: DiscountType = Field("amount", description="A percent of the amount, or an amount.")
    value: DecimalString = Field(examples=["10.00"])
    reason: ShortText = Field("", examples=["Express delivery"])
    reason_code: ReasonCode = ""


class DocumentAdjustmentIn(AdjustmentIn):
    tax_rate_id: Id | None = Field(
        None,
        description="A tax rate of the lines: the allowance or charge is of that rate only. "
        "Null: spread over every rate in proportion, like the discount.",
    )


Adjustments = Annotated[list[AdjustmentIn], Field(max_length=MAX_ADJUSTMENTS, default_factory=list)]
DocumentAdjustments = Annotated[list[DocumentAdjustmentIn], Field(max_length=MAX_ADJUSTMENTS)]


class LineIn(Input):
    description: Description
    quantity: DecimalString = Field(examples=["3"])
    unit_price: DecimalString = Field(examples=["80.00"])
    unit: Unit = ""
    tax_ids: Annotated[list[Id], Field(max_length=10, default_factory=list)]
    discount_type: DiscountType = "percent"
    discount_value: DecimalString = "0"
    product_id: Id | None = None
    unit_code: UnitCode = ""
    base_quantity: DecimalString = Field("1", description="The unit price is for this many.")
    adjustments: Adjustments


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
    buyer_reference: ShortText | None = Field(
        None, description="BT-10; defaults to the client's buyer reference."
    )
    order_reference: ShortText = Field("", description="The client's purchase order (BT-13).")
    adjustments: Annotated[DocumentAdjustments, Field(default_factory=list)]
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
    buyer_reference: ShortText | None = None
    order_reference: ShortText | None = None
    adjustments: DocumentAdjustments | None = Field(
        None, description="When sent, replaces every document allowance and charge."
    )
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None


class IssueIn(Input):
    issue_date: Date | None = Field(None, description="Defaults to the draft's, else today.")
    exchange_rate: DecimalString | None = Field(
        None,
        description="Base-currency units per invoice-currency unit, for an invoice not in the "
        "base currency; left out, the rate table's rate on the issue date (or the latest before "
        "it) is used, and the invoice is refused when the table has none.",
    )


class InvoiceFilters(SyncParams):
    status: StatusName | None = None
    client_id: Id | None = None
    issue_date_from: Date | None = Field(None, description="Issued on or after this date.")
    issue_date_to: Date | None = Field(None, description="Issued on or before this date.")
    overdue: bool | None = Field(None, description="true: open, past due, with a balance.")


def line_data(index: int, line: LineIn) -> services.LineData:
    product = referenced(Product, line.product_id, f"lines.{index}.product_id", "product")
    return services.LineData(
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        unit=line.unit,
        taxes=tax_rates(line.tax_ids, f"lines.{index}.tax_ids"),
        discount_type=line.discount_type,
        discount_value=line.discount_value,
        product=product,
        unit_code=line.unit_code or (product.unit_code if product else ""),
        base_quantity=line.base_quantity,
        adjustments=[entry.model_dump() for entry in line.adjustments],
    )


def document_adjustment(entry: dict[str, Any]) -> dict[str, Any]:
    """A document allowance or charge as the service takes it (`tax_rate`: the rate's id)."""
    values = dict(entry)
    values["tax_rate"] = values.pop("tax_rate_id", None)
    return values


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
    if result.get("adjustments") is not None:
        result["adjustments"] = [document_adjustment(entry) for entry in result["adjustments"]]
    return result


# -- Out -------------------------------------------------------------------------------------------


class LineTaxOut(Schema):
    name: str
    rate: str


class AdjustmentOut(Schema):
    charge: bool
    kind: DiscountType
    value: str
    reason: str
    reason_code: str
    amount: str = Field(description="The allowance or charge, computed by the server.")


class DocumentAdjustmentOut(AdjustmentOut):
    tax_rate_id: int | None = Field(description="Null: spread over every rate.")


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
    amount: str = Field(
        description="Net (or gross, with tax-inclusive prices), after discount, allowances and "
        "charges."
    )
    product_id: int | None
    unit_code: str
    base_quantity: str
    adjustments: list[AdjustmentOut]


class TaxTotalOut(Schema):
    name: str
    rate: str
    base: str
    tax: str


class TotalsOut(Schema):
    subtotal: str
    discount: str
    allowance_total: str = Field(description="Document allowances, the discount not included.")
    charge_total: str = Field(description="Document charges.")
    net_total: str
    tax_total: str
    total: str
    taxes: list[TaxTotalOut]


class InvoiceSummaryOut(Schema):
    id: int
    number: str | None = Field(description="Assigned when issued; null for drafts.")
    kind: InvoiceKindName = Field(
        description="deposit: a deposit (advance payment) invoice (e-invoice type 386)."
    )
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


class DeductionOut(Schema):
    """A deposit invoice a final invoice deducts (its figures as issued; zero while a draft)."""

    deposit_id: int
    number: str | None
    issue_date: datetime.date | None
    status: StatusName
    net_total: str
    tax_total: str
    total: str


class InvoiceOut(InvoiceSummaryOut):
    series_id: int
    exchange_rate: str | None
    prices_include_tax: bool
    discount_type: DiscountType
    discount_value: str
    notes: str
    terms: str
    buyer_reference: str
    order_reference: str
    adjustments: list[DocumentAdjustmentOut]
    lines: list[LineOut]
    totals: TotalsOut
    deductions: list[DeductionOut] = Field(
        description="The deposit invoices this final invoice deducts, in order."
    )
    created_at: datetime.datetime
    issued_at: DateTime | None
    sent_at: DateTime | None


# What a summary is made of. Lists read just these columns, as dicts: building a page of Invoice
# models (every column, from_db) cost more than the rest of the request.
SUMMARY_COLUMNS = (
    "id",
    "number",
    "kind",
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
        "kind": row["kind"],
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
        _line_out(row, figures, frozen.get(row.pk), invoice.currency)
        for row, figures in zip(rows, totals.lines, strict=False)
    ]
    amounts = [figures.amount for figures in totals.adjustments]
    adjustments = [
        DocumentAdjustmentOut(
            **_adjustment_fields(entry, value, invoice.currency), tax_rate_id=entry.get("tax_rate")
        )
        for entry, value in zip(invoice.adjustments or [], amounts, strict=False)
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
        buyer_reference=invoice.buyer_reference,
        order_reference=invoice.order_reference,
        adjustments=adjustments,
        lines=lines,
        totals=totals_out(totals),
        deductions=[_deduction_out(link.deposit) for link in deductions_of(invoice)],
        created_at=invoice.created_at,
        issued_at=invoice.issued_at,
        sent_at=invoice.sent_at,
    )


def _adjustment_fields(entry: Mapping[str, Any], value: Decimal, currency: str) -> dict[str, Any]:
    return {
        "charge": bool(entry.get("charge")),
        "kind": entry.get("kind", "amount"),
        "value": plain(Decimal(entry.get("value", "0"))) or "0",
        "reason": entry.get("reason", ""),
        "reason_code": entry.get("reason_code", ""),
        "amount": amount(value, currency),
    }


def _line_adjustments(
    entries: list[dict[str, Any]], figures: money.LineAmount, currency: str
) -> list[AdjustmentOut]:
    """A line's allowances and charges with their amounts (the engine gives them in order)."""
    allowances, charges = iter(figures.allowances), iter(figures.charges)
    return [
        AdjustmentOut(
            **_adjustment_fields(
                entry, next(charges if entry.get("charge") else allowances, ZERO), currency
            )
        )
        for entry in entries
    ]


def _line_out(
    row: InvoiceLine, figures: money.LineAmount, frozen: dict[str, Any] | None, currency: str
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
        amount=amount(figures.amount, currency),
        product_id=row.product_id,
        unit_code=row.unit_code,
        base_quantity=plain(row.base_quantity) or "1",
        adjustments=_line_adjustments(row.adjustments or [], figures, currency),
    )


def _frozen_tax(tax: dict[str, str]) -> LineTaxOut:
    return LineTaxOut(name=tax["name"], rate=plain(Decimal(tax["rate"])) or "0")


def totals_out(totals: money.Totals) -> TotalsOut:
    currency = totals.currency
    return TotalsOut(
        subtotal=amount(totals.subtotal, currency),
        discount=amount(totals.discount, currency),
        allowance_total=amount(totals.allowance_total, currency),
        charge_total=amount(totals.charge_total, currency),
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


def _deduction_out(deposit: Invoice) -> DeductionOut:
    currency = deposit.currency
    return DeductionOut(
        deposit_id=deposit.pk,
        number=deposit.number or None,
        issue_date=deposit.issue_date,
        status=deposit.status,  # type: ignore[arg-type]
        net_total=amount(deposit.net_total, currency),
        tax_total=amount(deposit.tax_total, currency),
        total=amount(deposit.total, currency),
    )
