"""A document with lines: what invoices, quotes, recurring schedules and credit notes share.

Every document type keeps its lines its own way (InvoiceLine and QuoteLine rows, a schedule's
JSON, a frozen snapshot's dicts), but a line is always checked, computed, edited in a form and
shown the same way. This module is that one way; the apps above billing use it, never the
private helpers of billing's services or views.

Line data and checks:
- `LineData` — one line as a form, the API or a stored line gives it (the server computes every
  amount).
- `validate_line(line, currency) -> LineData` — Decimal fields, or ValidationError keyed by the
  line's field names; `validate_lines(lines, currency)` — every line, errors keyed like a formset
  with prefix "lines" (`lines-2-quantity`); `checked_discount(kind, value, currency)` — a line's
  or a document's discount value.
- `money_line(line, quantity=None)` — a LineData or a stored line row for `money`;
  `snapshot_money_line(row, quantity)` — a frozen snapshot row's (credit notes).
Storage:
- `stored_line_data(row)` — an InvoiceLine or QuoteLine (taxes prefetched) as LineData;
  `document_lines(document)` — all of an invoice's or a quote's lines so;
  `write_lines(document, lines, first_position=1)` — replace a document's line rows.
- `line_json(line)` / `lines_from_json(rows)` — lines kept as JSON (recurring schedules).
- `lines_for_audit(lines)` — the lines as an audit event records them.
Forms and pages:
- `TaxOptions`, `LineForm`, `LineFormSet` (`line_formset_class(form)` for a LineForm subclass),
  `line_formset(data, tax_options, initial=None)`;
  `line_initial(line)`, `product_initial(product)`; `kept_line_forms(formset)` and
  `submitted_lines(kept)` — the LineData of the kept forms, with their products.
- `display_rows(lines, totals)` — the rows a document page shows (snapshot rows or LineData).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from invoicetron.billing import money
from invoicetron.billing.formatting import plain, tax_label
from invoicetron.billing.forms.widgets import decimal_text
from invoicetron.billing.models import DiscountType, Product, TaxRate
from invoicetron.billing.validation import (
    checked_amount,
    checked_number,
    merge,
    prefixed,
)

ZERO = Decimal(0)
# The most lines a document's form takes (Django refuses more whatever TOTAL_FORMS says).
MAX_LINES = 200


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


class StoredLine(Protocol):
    """A line row of a document (InvoiceLine, QuoteLine); `taxes` is its tax rates' manager."""

    description: str
    quantity: Decimal
    unit_price: Decimal
    unit: str
    discount_type: str
    discount_value: Decimal
    taxes: Any


# -- Checks --------------------------------------------------------------------------------------


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


# -- Figures -------------------------------------------------------------------------------------


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
    )


def snapshot_money_line(row: Mapping[str, Any], quantity: Decimal) -> money.Line:
    """A frozen snapshot row as `money` computes it, for `quantity` of it."""
    return money.Line(
        quantity=quantity,
        unit_price=Decimal(row["unit_price"]),
        taxes=tuple(money.Tax(tax["name"], Decimal(tax["rate"])) for tax in row["taxes"]),
        discount=money.Discount(
            money.DiscountKind(row["discount_type"]), Decimal(row["discount_value"])
        ),
    )


# -- Storage -------------------------------------------------------------------------------------


def stored_line_data(row: StoredLine) -> LineData:
    """A stored line row as LineData (prefetch its taxes); a QuoteLine has no product."""
    return LineData(
        description=row.description,
        quantity=row.quantity,
        unit_price=row.unit_price,
        unit=row.unit,
        taxes=tuple(row.taxes.all()),
        discount_type=row.discount_type,
        discount_value=row.discount_value,
        product=getattr(row, "product", None),
    )


def document_lines(document: Any) -> list[LineData]:
    """The lines of an invoice or a quote (its `lines` related manager) as LineData, in order."""
    return [stored_line_data(row) for row in document.lines.prefetch_related("taxes")]


def write_lines(document: Any, lines: Sequence[LineData], *, first_position: int = 1) -> None:
    """Replace the line rows of `document` (its `lines` related manager) by validated `lines`.

    `first_position`: invoices number their lines from 1, quotes from 0 (kept as they were: the
    positions are in the snapshots already frozen)."""
    document.lines.all().delete()
    has_product = hasattr(document.lines.model, "product")
    for position, line in enumerate(lines, start=first_position):
        values: dict[str, Any] = {"product": line.product} if has_product else {}
        row = document.lines.create(
            position=position,
            description=line.description,
            quantity=Decimal(line.quantity),
            unit=line.unit,
            unit_price=Decimal(line.unit_price),
            discount_type=line.discount_type,
            discount_value=Decimal(line.discount_value),
            **values,
        )
        row.taxes.set(line.taxes)


def line_json(line: LineData) -> dict[str, Any]:
    """A line as JSON keeps it (numbers as strings, taxes and product by id)."""
    return {
        "description": line.description,
        "quantity": str(line.quantity),
        "unit_price": str(line.unit_price),
        "unit": line.unit,
        "tax_ids": [tax.pk for tax in line.taxes],
        "discount_type": line.discount_type,
        "discount_value": str(line.discount_value),
        "product_id": line.product.pk if line.product else None,
    }


def lines_from_json(rows: Sequence[Mapping[str, Any]]) -> list[LineData]:
    """Lines kept as JSON, in two queries. Rows saved before discounts and products existed have
    neither; a tax or product deleted since is left out."""
    tax_ids = {pk for row in rows for pk in row.get("tax_ids", [])}
    taxes = list(TaxRate.objects.filter(pk__in=tax_ids)) if tax_ids else []
    product_ids = [row["product_id"] for row in rows if row.get("product_id")]
    products = Product.objects.in_bulk(product_ids) if product_ids else {}
    return [
        LineData(
            description=row["description"],
            quantity=Decimal(row["quantity"]),
            unit_price=Decimal(row["unit_price"]),
            unit=row.get("unit", ""),
            # In the tax rates' own order, as a query per line gave them.
            taxes=tuple(tax for tax in taxes if tax.pk in row.get("tax_ids", [])),
            discount_type=row.get("discount_type", DiscountType.PERCENT),
            discount_value=Decimal(row.get("discount_value", "0")),
            product=products.get(row.get("product_id") or 0),
        )
        for row in rows
    ]


def lines_for_audit(lines: Sequence[LineData]) -> list[dict[str, Any]]:
    """The lines as an audit event records them."""
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


# -- Forms ---------------------------------------------------------------------------------------


@dataclass
class TaxOptions:
    """The tax rates a line may carry, loaded once for every line of the form."""

    rates: dict[str, TaxRate] = field(default_factory=dict)

    @classmethod
    def load(cls, also: Iterable[int] = ()) -> TaxOptions:
        rates = TaxRate.objects.filter(Q(active=True) | Q(pk__in=list(also)))
        return cls({str(rate.pk): rate for rate in rates})

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(key, str(rate)) for key, rate in self.rates.items()]


class LineForm(forms.Form):
    """One line of a document. A row left blank (no description, no price) is ignored."""

    description = forms.CharField(required=False, widget=forms.TextInput())
    quantity = decimal_text(required=False, initial="1")
    unit = forms.CharField(required=False, max_length=32)
    unit_price = decimal_text("Unit price", required=False)
    taxes = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    discount_type = forms.ChoiceField(
        choices=DiscountType.choices,
        initial=DiscountType.PERCENT,
        widget=forms.Select(attrs={"aria-label": "Line discount, % or amount"}),
    )
    discount_value = decimal_text("Discount", required=False, initial="0")
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, tax_options: TaxOptions, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tax_options = tax_options
        self.fields["taxes"].choices = tax_options.choices  # type: ignore[attr-defined]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("description") or "").strip() and not data.get("unit_price")

    def line_data(self, products: dict[int, Product]) -> LineData:
        data = self.cleaned_data
        return LineData(
            description=data["description"],
            quantity=data["quantity"] or "",
            unit_price=data["unit_price"] or "",
            unit=data["unit"],
            taxes=tuple(self.tax_options.rates[key] for key in data["taxes"]),
            discount_type=data["discount_type"],
            discount_value=data["discount_value"] or "0",
            product=products.get(data["product"] or 0),
        )


def line_formset_class(form: type[LineForm]) -> type[forms.BaseFormSet]:
    """A formset class of `form` rows: removable, at most MAX_LINES."""
    return forms.formset_factory(
        form,
        extra=0,
        can_delete=True,
        max_num=MAX_LINES,
        absolute_max=MAX_LINES,
        validate_max=True,
    )


LineFormSet = line_formset_class(LineForm)


def line_formset(
    data: Any,
    tax_options: TaxOptions,
    initial: list[dict[str, Any]] | None = None,
    *,
    formset_class: type[forms.BaseFormSet] = LineFormSet,
) -> Any:
    """The "lines" formset of a document's form; every row shown is checked (none is optional).

    `formset_class`: a formset of a LineForm subclass (a schedule's lines accept older posts)."""
    return formset_class(
        data,
        initial=initial,
        prefix="lines",
        form_kwargs={"tax_options": tax_options, "empty_permitted": False},
    )


def line_initial(line: LineData) -> dict[str, Any]:
    """A line as its form row shows it."""
    return {
        "description": line.description,
        "quantity": plain(line.quantity),
        "unit": line.unit,
        "unit_price": plain(line.unit_price),
        "taxes": [str(tax.pk) for tax in line.taxes],
        "discount_type": line.discount_type,
        "discount_value": plain(line.discount_value),
        "product": line.product.pk if line.product else None,
    }


def product_initial(product: Product) -> dict[str, Any]:
    """A new form row filled from a product (its default taxes prefetched)."""
    return {
        "description": product.name,
        "quantity": "1",
        "unit": product.unit,
        "unit_price": plain(product.unit_price),
        "taxes": [str(tax.pk) for tax in product.default_taxes.all()],
        "product": product.pk,
    }


def kept_line_forms(formset: forms.BaseFormSet) -> list[LineForm]:
    """The forms whose lines go to the service: not removed, not blank, in order."""
    return [
        form for form in formset.forms if not form.cleaned_data.get("DELETE") and not form.is_blank
    ]


def submitted_lines(kept: Sequence[LineForm]) -> list[LineData]:
    """The lines of the kept forms, with the products they name (one query)."""
    product_ids = [form.cleaned_data["product"] for form in kept if form.cleaned_data["product"]]
    products = Product.objects.in_bulk(product_ids) if product_ids else {}
    return [form.line_data(products) for form in kept]


# -- Pages ---------------------------------------------------------------------------------------


def display_rows(
    lines: Sequence[Mapping[str, Any]] | Sequence[LineData], totals: money.Totals
) -> list[dict[str, Any]]:
    """The rows a document page shows: a sent or issued document's snapshot rows, or a draft's
    LineData; each with its `amount` from `totals` (of the same lines, in the same order)."""
    rows = [
        _snapshot_row(line) if isinstance(line, Mapping) else _draft_row(line) for line in lines
    ]
    for row, figures in zip(rows, totals.lines, strict=True):
        row["amount"] = figures.amount
    return rows


def _snapshot_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "description": row["description"],
        "quantity": row["quantity"],
        "unit": row["unit"],
        "unit_price": row["unit_price"],
        "taxes": ", ".join(tax_label(tax["name"], tax["rate"]) for tax in row["taxes"]),
        "discount": row.get("discount_value", "0"),
        "discount_type": row.get("discount_type", DiscountType.PERCENT),
    }


def _draft_row(line: LineData) -> dict[str, Any]:
    return {
        "description": line.description,
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "taxes": ", ".join(tax_label(tax.name, tax.rate) for tax in line.taxes),
        "discount": line.discount_value,
        "discount_type": line.discount_type,
    }
