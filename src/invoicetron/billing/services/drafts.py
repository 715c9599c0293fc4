"""Draft invoices: create, change, delete; and the figures of any invoice."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.models import (
    AuditAction,
    BusinessProfile,
    Client,
    DiscountType,
    DocumentKind,
    ImmutableDocument,
    Invoice,
    InvoiceLine,
    NumberSeries,
    Product,
    TaxRate,
    document_currency,
)
from invoicetron.billing.services.audit import changed_values, field_values, record
from invoicetron.billing.services.numbering import default_series
from invoicetron.billing.services.validation import (
    checked_amount,
    checked_currency,
    checked_number,
    merge,
    prefixed,
)

ZERO = Decimal(0)
DRAFT_FIELDS = (
    "client",
    "currency",
    "series",
    "issue_date",
    "due_date",
    "prices_include_tax",
    "discount_type",
    "discount_value",
    "notes",
    "terms",
)


@dataclass
class LineData:
    """One line as a form or API submits it (the server computes every amount)."""

    description: str
    quantity: Decimal | str | int
    unit_price: Decimal | str | int
    unit: str = ""
    taxes: Sequence[TaxRate] = field(default_factory=tuple)
    discount_type: str = DiscountType.PERCENT
    discount_value: Decimal | str | int = ZERO
    product: Product | None = None


def validate_line(line: LineData, currency: str) -> LineData:
    """The line with Decimal fields, or ValidationError keyed by the line's field names."""
    errors: list[ValidationError] = []
    cleaned: dict[str, Any] = {}
    if not (line.description or "").strip():
        errors.append(ValidationError({"description": "Describe what is billed."}))
    try:
        cleaned["quantity"] = checked_number(line.quantity, "quantity", places=3, minimum=None)
        if cleaned["quantity"] < 0:
            errors.append(
                ValidationError(
                    {
                        "quantity": "Quantities cannot be negative on an invoice: "
                        "issue a credit note instead."
                    }
                )
            )
    except ValidationError as error:
        errors.append(error)
    try:
        cleaned["unit_price"] = checked_number(line.unit_price, "unit_price", places=4)
    except ValidationError as error:
        errors.append(error)
    try:
        cleaned["discount_value"] = checked_discount(
            line.discount_type, line.discount_value, currency
        )
    except ValidationError as error:
        errors.append(error)
    if errors:
        raise merge(errors)
    _check_discount_fits(line, cleaned, currency)
    return LineData(
        description=line.description.strip(),
        quantity=cleaned["quantity"],
        unit_price=cleaned["unit_price"],
        unit=(line.unit or "").strip(),
        taxes=tuple(line.taxes),
        discount_type=line.discount_type,
        discount_value=cleaned["discount_value"],
        product=line.product,
    )


def _check_discount_fits(line: LineData, cleaned: dict[str, Any], currency: str) -> None:
    """An amount discount may take a line to zero, never below (a negative line is a credit)."""
    if line.discount_type != DiscountType.AMOUNT:
        return  # a percent discount is at most 100 %
    gross = money.line_amount(
        money.Line(quantity=cleaned["quantity"], unit_price=cleaned["unit_price"]), currency
    ).undiscounted
    if cleaned["discount_value"] > gross:
        name = line.description.strip()[:60]
        discount = money.format_amount(cleaned["discount_value"], currency, with_code=False)
        whole = money.format_amount(gross, currency, with_code=False)
        message = f"The discount ({discount}) is larger than the line “{name}” ({whole})."
        raise ValidationError({"discount_value": message})


def checked_discount(kind: str, value: Any, currency: str) -> Decimal:
    """A line or document discount's value, or ValidationError keyed `discount_value`."""
    if kind not in DiscountType.values:
        raise ValidationError({"discount_type": "Choose a percent or an amount discount."})
    if kind == DiscountType.AMOUNT:
        return checked_amount(value, "discount_value", currency, label="Discount")
    number = checked_number(value, "discount_value", places=4, label="Discount")
    if number > 100:
        raise ValidationError({"discount_value": "A percent discount cannot exceed 100."})
    return number


def _validate_lines(lines: Sequence[LineData], currency: str) -> list[LineData]:
    cleaned, errors = [], []
    for index, line in enumerate(lines):
        try:
            cleaned.append(validate_line(line, currency))
        except ValidationError as error:
            errors.append(prefixed(error, f"lines-{index}-"))
    if errors:
        raise merge(errors)
    return cleaned


def _validate_header(values: dict[str, Any]) -> dict[str, Any]:
    values["currency"] = checked_currency(values["currency"])
    values["discount_value"] = checked_discount(
        values["discount_type"], values["discount_value"], values["currency"]
    )
    client = values["client"]
    if client.archived and values.get("_new"):
        raise ValidationError({"client": "This client is archived; restore it first."})
    issue, due = values.get("issue_date"), values.get("due_date")
    if issue and due and due < issue:
        raise ValidationError({"due_date": "The due date cannot be before the issue date."})
    if values["series"].kind != DocumentKind.INVOICE:
        raise ValidationError({"series": "Choose an invoice number series."})
    return values


# -- Figures -------------------------------------------------------------------------------------


def money_line(line: InvoiceLine | LineData, quantity: Decimal | None = None) -> money.Line:
    taxes = line.taxes.all() if isinstance(line, InvoiceLine) else line.taxes
    return money.Line(
        quantity=Decimal(quantity if quantity is not None else line.quantity),
        unit_price=Decimal(line.unit_price),
        taxes=tuple(money.Tax(tax.name, tax.rate) for tax in taxes),
        discount=money.Discount(
            money.DiscountKind(line.discount_type), Decimal(line.discount_value)
        ),
    )


def document_discount(invoice: Invoice) -> money.Discount:
    return money.Discount(money.DiscountKind(invoice.discount_type), invoice.discount_value)


def invoice_totals(invoice: Invoice) -> money.Totals:
    """An issued invoice's frozen figures, or a draft's figures computed now."""
    if not invoice.is_draft and invoice.snapshot:
        return money.totals_from_json(invoice.snapshot["totals"])
    lines = invoice.lines.prefetch_related("taxes")
    return compute_draft_totals(invoice, [money_line(line) for line in lines])


def compute_draft_totals(invoice: Invoice, lines: Sequence[money.Line]) -> money.Totals:
    try:
        return money.compute_totals(
            lines,
            invoice.currency,
            prices_include_tax=invoice.prices_include_tax,
            discount=document_discount(invoice),
        )
    except money.MoneyError as error:
        raise ValidationError({"discount_value": str(error)}) from error


# -- Services ------------------------------------------------------------------------------------


def _store_figures(invoice: Invoice, totals: money.Totals) -> None:
    invoice.net_total = totals.net_total
    invoice.tax_total = totals.tax_total
    invoice.total = totals.total
    invoice.balance_due = totals.total


def _write_lines(invoice: Invoice, lines: Sequence[LineData]) -> None:
    invoice.lines.all().delete()
    for position, line in enumerate(lines, start=1):
        row = InvoiceLine.objects.create(
            invoice=invoice,
            position=position,
            product=line.product,
            description=line.description,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            discount_type=line.discount_type,
            discount_value=line.discount_value,
        )
        row.taxes.set(line.taxes)


def _lines_for_audit(lines: Sequence[LineData]) -> list[dict[str, Any]]:
    return [
        {
            "description": line.description,
            "quantity": str(line.quantity),
            "unit": line.unit,
            "unit_price": str(line.unit_price),
            "taxes": [f"{tax.name} {tax.rate}" for tax in line.taxes],
            "discount": f"{line.discount_value} {line.discount_type}",
        }
        for line in lines
    ]


@transaction.atomic
def create_draft(
    *,
    client: Client,
    by: User | None,
    lines: Sequence[LineData] = (),
    currency: str | None = None,
    series: NumberSeries | None = None,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    prices_include_tax: bool = False,
    discount_type: str = DiscountType.PERCENT,
    discount_value: Decimal | str | int = ZERO,
    notes: str = "",
    terms: str = "",
) -> Invoice:
    """A new draft. Currency defaults to the client's, then the business's base currency."""
    profile = BusinessProfile.load()
    values = _validate_header(
        {
            "_new": True,
            "client": client,
            "currency": document_currency(client, currency, profile=profile),
            "series": series or default_series(DocumentKind.INVOICE),
            "issue_date": issue_date,
            "due_date": due_date,
            "prices_include_tax": prices_include_tax,
            "discount_type": discount_type,
            "discount_value": discount_value,
            "notes": notes,
            "terms": terms,
        }
    )
    values.pop("_new")
    cleaned = _validate_lines(lines, values["currency"])
    invoice = Invoice(**values, created_by=by)
    _store_figures(invoice, compute_draft_totals(invoice, [money_line(x) for x in cleaned]))
    invoice.save()
    _write_lines(invoice, cleaned)
    new = field_values(invoice, skip=("snapshot",)) | {"lines": _lines_for_audit(cleaned)}
    record(AuditAction.CREATE, invoice, by=by, new=new, invoice_id=invoice.pk)
    return invoice


@transaction.atomic
def update_draft(
    invoice: Invoice, *, by: User | None, lines: Sequence[LineData] | None = None, **changes: Any
) -> Invoice:
    """Change a draft's header fields (any of DRAFT_FIELDS) and, when given, replace its lines."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not locked.is_draft:
        raise ImmutableDocument(
            "This invoice is issued and cannot be edited; issue a credit note instead.",
            code="immutable",
        )
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"update_draft() got unknown fields: {', '.join(sorted(unknown))}")
    old_lines = [_line_data(row) for row in locked.lines.prefetch_related("taxes")]
    old = field_values(locked, skip=("snapshot",)) | {"lines": _lines_for_audit(old_lines)}
    values = _validate_header({name: getattr(locked, name) for name in DRAFT_FIELDS} | changes)
    cleaned = _validate_lines(old_lines if lines is None else lines, values["currency"])
    for name, value in values.items():
        setattr(locked, name, value)
    _store_figures(locked, compute_draft_totals(locked, [money_line(x) for x in cleaned]))
    locked.save()
    if lines is not None:
        _write_lines(locked, cleaned)
    new = field_values(locked, skip=("snapshot",)) | {"lines": _lines_for_audit(cleaned)}
    old_changed, new_changed = changed_values(old, new)
    if new_changed:
        record(
            AuditAction.CHANGE,
            locked,
            by=by,
            old=old_changed,
            new=new_changed,
            invoice_id=locked.pk,
        )
    return locked


def _line_data(row: InvoiceLine) -> LineData:
    return LineData(
        description=row.description,
        quantity=row.quantity,
        unit_price=row.unit_price,
        unit=row.unit,
        taxes=tuple(row.taxes.all()),
        discount_type=row.discount_type,
        discount_value=row.discount_value,
        product=row.product,
    )


def draft_lines(invoice: Invoice) -> list[LineData]:
    """A draft's lines as LineData (e.g. to prefill a form or duplicate an invoice)."""
    return [_line_data(row) for row in invoice.lines.prefetch_related("taxes")]


@transaction.atomic
def duplicate_invoice(invoice: Invoice, *, by: User | None) -> Invoice:
    """A new draft like `invoice` (any state): client, currency, series, lines, taxes, discounts,
    notes and terms. The copy has no number and no dates: they are set when it is issued."""
    return create_draft(
        client=invoice.client,
        by=by,
        lines=draft_lines(invoice),
        currency=invoice.currency,
        series=invoice.series,
        prices_include_tax=invoice.prices_include_tax,
        discount_type=invoice.discount_type,
        discount_value=invoice.discount_value,
        notes=invoice.notes,
        terms=invoice.terms,
    )


@transaction.atomic
def delete_draft(invoice: Invoice, *, by: User | None) -> None:
    """Delete a draft. Issued invoices are never deleted (and drafts burn no number)."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not locked.is_draft:
        raise ImmutableDocument(
            "An issued invoice cannot be deleted; issue a credit note instead.", code="immutable"
        )
    old = field_values(locked, skip=("snapshot",))
    old["lines"] = _lines_for_audit([_line_data(row) for row in locked.lines.all()])
    record(AuditAction.DELETE, locked, by=by, old=old, invoice_id=locked.pk)
    locked.delete()
