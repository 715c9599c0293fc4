"""A document line's data and its checks: what every document type validates the same way.

- `LineData` — one line as a form, the API or a stored line gives it (the server computes every
  amount); with its e-invoice fields: unit code (UN/ECE Rec. 20), price base quantity (BT-149)
  and allowances/charges (entries as `billing.adjustments` checks them).
- `StoredLine`: a line row (InvoiceLine, QuoteLine); `money_line(line, quantity=None)` — a
  LineData or a stored line as `money` computes it.
- `validate_line(line, currency) -> LineData` — Decimal fields, or ValidationError keyed by the
  line's field names; `validate_lines(lines, currency)` — every line, errors keyed like a formset
  with prefix "lines" (`lines-2-quantity`); `checked_discount(kind, value, currency)` — a line's
  or a document's discount value.
Import them from `billing.lines`, which gathers everything a document's lines need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from invoicetron.billing import money
from invoicetron.billing.adjustments import checked_line_adjustments, money_adjustment
from invoicetron.billing.language import shown_amount
from invoicetron.billing.models import DiscountType, Product, TaxRate
from invoicetron.billing.validation import (
    checked_amount,
    checked_number,
    checked_unit_code,
    merge,
    prefixed,
)

ZERO = Decimal(0)
ONE = Decimal(1)


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
    unit_code: str = ""  # blank: e-invoices derive it from `unit`
    base_quantity: Decimal | str | int = ONE  # the unit price is for this many units (BT-149)
    adjustments: Sequence[Mapping[str, Any]] = field(default_factory=tuple)


class StoredLine(Protocol):
    """A line row of a document (InvoiceLine, QuoteLine); `taxes` is its tax rates' manager."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str
    discount_type: str
    discount_value: Decimal
    unit_code: str
    base_quantity: Decimal
    adjustments: list[dict[str, Any]]
    taxes: Any


def validate_line(line: LineData, currency: str) -> LineData:
    """The line with Decimal fields, or ValidationError keyed by the line's field names."""
    errors: list[ValidationError] = []
    cleaned: dict[str, Any] = {}
    if not (line.description or "").strip():
        errors.append(ValidationError({"description": _("Describe what is billed.")}))
    try:
        cleaned["quantity"] = checked_number(line.quantity, "quantity", places=3, minimum=None)
        if cleaned["quantity"] < 0:
            errors.append(
                ValidationError(
                    {
                        "quantity": _(
                            "Quantities cannot be negative on an invoice: "
                            "issue a credit note instead."
                        )
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
    for check in (_checked_einvoice_fields, _checked_adjustments):
        try:
            cleaned.update(check(line, currency))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise merge(errors)
    _check_discount_fits(line, cleaned, currency)
    checked = LineData(
        description=line.description.strip(),
        quantity=cleaned["quantity"],
        unit_price=cleaned["unit_price"],
        unit=(line.unit or "").strip(),
        taxes=tuple(line.taxes),
        discount_type=line.discount_type,
        discount_value=cleaned["discount_value"],
        product=line.product,
        unit_code=cleaned["unit_code"],
        base_quantity=cleaned["base_quantity"],
        adjustments=cleaned["adjustments"],
    )
    if checked.adjustments and money.line_amount(money_line(checked), currency).amount < 0:
        raise ValidationError(
            {
                "adjustments": _(
                    "The allowances take this line below zero: lower them, or issue a "
                    "credit note instead."
                )
            }
        )
    return checked


def _checked_einvoice_fields(line: LineData, currency: str) -> dict[str, Any]:
    """The unit code (blank, or 2-3 capitals/digits) and the price base quantity (above 0)."""
    errors = []
    unit_code = ""
    try:
        unit_code = checked_unit_code(line.unit_code or "")
    except ValidationError as error:
        errors.append(error)
    base_quantity = ONE
    try:
        base_quantity = checked_number(
            ONE if line.base_quantity in (None, "") else line.base_quantity,
            "base_quantity",
            places=3,
            minimum=None,  # refused below with what 0 would mean
            label=_("Price base quantity"),
        )
        if base_quantity <= 0:
            raise ValidationError(
                {
                    "base_quantity": _(
                        "The price base quantity must be above 0 (the unit price is "
                        "for that many units; 1 for a price per unit)."
                    )
                }
            )
    except ValidationError as error:
        errors.append(error)
    if errors:
        raise merge(errors)
    return {"unit_code": unit_code, "base_quantity": base_quantity}


def _checked_adjustments(line: LineData, currency: str) -> dict[str, Any]:
    return {"adjustments": checked_line_adjustments(list(line.adjustments or ()), currency)}


def _check_discount_fits(line: LineData, cleaned: dict[str, Any], currency: str) -> None:
    """An amount discount may take a line to zero, never below (a negative line is a credit)."""
    if line.discount_type != DiscountType.AMOUNT:
        return  # a percent discount is at most 100 %
    gross = money.line_amount(
        money.Line(
            quantity=cleaned["quantity"],
            unit_price=cleaned["unit_price"],
            base_quantity=cleaned["base_quantity"],
        ),
        currency,
    ).undiscounted
    if cleaned["discount_value"] > gross:
        name = line.description.strip()[:60]
        discount = shown_amount(cleaned["discount_value"], currency, with_code=False)
        whole = shown_amount(gross, currency, with_code=False)
        message = _(
            "The discount (%(discount)s) is larger than the line “%(name)s” (%(whole)s)."
        ) % {
            "discount": discount,
            "name": name,
            "whole": whole,
        }
        raise ValidationError({"discount_value": message})


def checked_discount(kind: str, value: Any, currency: str) -> Decimal:
    """A line or document discount's value, or ValidationError keyed `discount_value`."""
    if kind not in DiscountType.values:
        raise ValidationError({"discount_type": _("Choose a percent or an amount discount.")})
    if kind == DiscountType.AMOUNT:
        return checked_amount(value, "discount_value", currency, label=_("Discount"))
    number = checked_number(value, "discount_value", places=4, label=_("Discount"))
    if number > 100:
        raise ValidationError({"discount_value": _("A percent discount cannot exceed 100.")})
    return number


def validate_lines(lines: Sequence[LineData], currency: str) -> list[LineData]:
    """Every line checked; the errors of all of them at once, keyed `lines-N-field`."""
    cleaned, errors = [], []
    for index, line in enumerate(lines):
        try:
            cleaned.append(validate_line(line, currency))
        except ValidationError as error:
            errors.append(prefixed(error, f"lines-{index}-"))
    if errors:
        raise merge(errors)
    return cleaned


def money_line(line: StoredLine | LineData, quantity: Decimal | None = None) -> money.Line:
    """The line as `money` computes it; `quantity` replaces the line's own (credited part)."""
    taxes = line.taxes if isinstance(line, LineData) else line.taxes.all()
    return money.Line(
        quantity=Decimal(quantity if quantity is not None else line.quantity),
        unit_price=Decimal(line.unit_price),
        taxes=tuple(money.Tax(tax.name, tax.rate) for tax in taxes),
        discount=money.Discount(
            money.DiscountKind(line.discount_type), Decimal(line.discount_value)
        ),
        base_quantity=Decimal(line.base_quantity),
        adjustments=tuple(money_adjustment(entry) for entry in line.adjustments),
    )
