"""A document with lines: what invoices, quotes, recurring schedules and credit notes share.

Every document type keeps its lines its own way (InvoiceLine and QuoteLine rows, a schedule's
JSON, a frozen snapshot's dicts), but a line is always checked, computed, edited in a form and
shown the same way. This module is that one way; the apps above billing use it, never the
private helpers of billing's services or views.

Line data and checks (defined in `billing.line_checks`, imported from here):
- `LineData` — one line as a form, the API or a stored line gives it (the server computes every
  amount); with its e-invoice fields: unit code (UN/ECE Rec. 20), price base quantity and
  allowances/charges (entries as `billing.adjustments` checks them).
- `validate_line(line, currency) -> LineData` — Decimal fields, or ValidationError keyed by the
  line's field names; `validate_lines(lines, currency)` — every line, errors keyed like a formset
  with prefix "lines" (`lines-2-quantity`, `lines-0-adjustments-1-value`);
  `checked_discount(kind, value, currency)` — a line's or a document's discount value.
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
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicetron.billing import money
from invoicetron.billing.adjustments import money_adjustment
from invoicetron.billing.formatting import localized_tax_label, plain
from invoicetron.billing.forms.widgets import decimal_text, number_input
from invoicetron.billing.language import ui_locale
from invoicetron.billing.line_checks import (
    ONE,
    LineData,
    StoredLine,
    checked_discount,
    money_line,
    validate_line,
    validate_lines,
)
from invoicetron.billing.models import DiscountType, Product, TaxRate

__all__ = [
    "MAX_LINES",
    "LineData",
    "LineForm",
    "LineFormSet",
    "StoredLine",
    "TaxOptions",
    "checked_discount",
    "display_rows",
    "document_lines",
    "kept_line_forms",
    "line_formset",
    "line_formset_class",
    "line_initial",
    "line_json",
    "lines_for_audit",
    "lines_from_json",
    "money_line",
    "product_initial",
    "snapshot_money_line",
    "stored_line_data",
    "submitted_lines",
    "validate_line",
    "validate_lines",
    "write_lines",
]
# The most lines a document's form takes (Django refuses more whatever TOTAL_FORMS says).
MAX_LINES = 200


# -- Figures -------------------------------------------------------------------------------------


def snapshot_money_line(row: Mapping[str, Any], quantity: Decimal) -> money.Line:
    """A frozen snapshot row as `money` computes it, for `quantity` of it."""
    return money.Line(
        quantity=quantity,
        unit_price=Decimal(row["unit_price"]),
        taxes=tuple(money.Tax(tax["name"], Decimal(tax["rate"])) for tax in row["taxes"]),
        discount=money.Discount(
            money.DiscountKind(row["discount_type"]), Decimal(row["discount_value"])
        ),
        # Snapshots taken before e-invoicing have neither: a price per unit, no adjustments.
        base_quantity=Decimal(row.get("base_quantity", "1")),
        adjustments=tuple(money_adjustment(entry) for entry in row.get("adjustments", ())),
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
        unit_code=row.unit_code,
        base_quantity=row.base_quantity,
        adjustments=row.adjustments,
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
            unit_code=line.unit_code,
            base_quantity=Decimal(line.base_quantity),
            adjustments=list(line.adjustments),
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
        "unit_code": line.unit_code,
        "base_quantity": str(line.base_quantity),
        "adjustments": list(line.adjustments),
    }


def lines_from_json(rows: Sequence[Mapping[str, Any]]) -> list[LineData]:
    """Lines kept as JSON, in two queries. Rows saved before discounts, products and the
    e-invoice fields existed have none of them; a tax or product deleted since is left out."""
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
            unit_code=row.get("unit_code", ""),
            base_quantity=Decimal(row.get("base_quantity", "1")),
            adjustments=row.get("adjustments", []),
        )
        for row in rows
    ]


def lines_for_audit(lines: Sequence[LineData]) -> list[dict[str, Any]]:
    """The lines as an audit event records them, numbers normalised: a stored 1.000 and a
    submitted 1 are the same quantity, so saving a draft with unchanged lines records no change
    to them."""
    return [
        {
            "description": line.description,
            "quantity": _number(line.quantity),
            "unit": line.unit,
            "unit_price": _number(line.unit_price),
            "taxes": [f"{tax.name} {tax.rate}" for tax in line.taxes],
            "discount": f"{_number(line.discount_value)} {line.discount_type}",
            "unit_code": line.unit_code,
            "base_quantity": _number(line.base_quantity),
            "adjustments": list(line.adjustments),
        }
        for line in lines
    ]


def _number(value: Decimal | str | int) -> str:
    return format(Decimal(value).normalize(), "f")


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

    description = forms.CharField(required=False, widget=forms.TextInput(), label=_("Description"))
    quantity = decimal_text(_("Quantity"), required=False, initial="1")
    unit = forms.CharField(required=False, max_length=32, label=_("Unit"))
    # Short labels keep the line on one row; the title says the rest.
    unit_code = forms.CharField(
        label=_("Code"),
        required=False,
        max_length=3,
        widget=forms.TextInput(
            attrs={
                "title": _(
                    "Unit code (UN/ECE Rec. 20): HUR hour, DAY day, C62 piece; blank: "
                    "from the unit."
                ),
            }
        ),
    )
    unit_price = decimal_text(_("Unit price"), required=False)
    base_quantity = forms.CharField(
        label=_("Per"),
        required=False,
        initial="1",
        widget=number_input(
            title=_("The unit price is for this many units: 12 for a price a dozen.")
        ),
    )
    taxes = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Taxes")
    )
    discount_type = forms.ChoiceField(
        choices=DiscountType.choices,
        initial=DiscountType.PERCENT,
        widget=forms.Select(attrs={"aria-label": _("Line discount, % or amount")}),
    )
    discount_value = decimal_text(_("Discount"), required=False, initial="0")
    product = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The line's allowances and charges (entered through the API) kept through an edit.
    adjustments = forms.JSONField(required=False, widget=forms.HiddenInput)

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
            unit_code=data.get("unit_code") or "",
            base_quantity=data.get("base_quantity") or ONE,
            adjustments=data.get("adjustments") or [],
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
        "unit_code": line.unit_code,
        "base_quantity": plain(line.base_quantity),
        "adjustments": list(line.adjustments) or None,
    }


def product_initial(product: Product) -> dict[str, Any]:
    """A new form row filled from a product (its default taxes prefetched)."""
    return {
        "description": product.name,
        "quantity": "1",
        "unit": product.unit,
        "unit_code": product.unit_code,
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


def shown_tax(name: str, rate: Decimal | str) -> str:
    """A line's tax on the page, its rate the UI's way: "QST 9.975 %", "QST 9,975 %" (de)."""
    return localized_tax_label(name, rate, ui_locale())


def _snapshot_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "description": row["description"],
        "quantity": row["quantity"],
        "unit": row["unit"],
        "unit_price": row["unit_price"],
        "taxes": ", ".join(shown_tax(tax["name"], tax["rate"]) for tax in row["taxes"]),
        "discount": row.get("discount_value", "0"),
        "discount_type": row.get("discount_type", DiscountType.PERCENT),
        "price_per": _price_per(row.get("base_quantity", ONE)),
    }


def _draft_row(line: LineData) -> dict[str, Any]:
    return {
        "description": line.description,
        "quantity": line.quantity,
        "unit": line.unit,
        "unit_price": line.unit_price,
        "taxes": ", ".join(shown_tax(tax.name, tax.rate) for tax in line.taxes),
        "discount": line.discount_value,
        "discount_type": line.discount_type,
        "price_per": _price_per(line.base_quantity),
    }


def _price_per(base_quantity: Decimal | str | int) -> Decimal | None:
    """The price base quantity a row shows beside its unit price ("30.00 per 12"); None for 1,
    so that 24 x 30.00 = 60.00 does not look wrong on the page."""
    quantity = Decimal(base_quantity)
    return None if quantity == ONE else quantity
