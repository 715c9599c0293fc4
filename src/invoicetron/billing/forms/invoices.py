"""Invoice forms: draft header and lines, issuing, payments, credit notes, the list filter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import Q

from invoicetron.billing.currencies import CURRENCY_CHOICES
from invoicetron.billing.formatting import plain
from invoicetron.billing.forms.widgets import DateInput, decimal_text
from invoicetron.billing.models import (
    Client,
    DiscountType,
    DocumentKind,
    InvoiceStatus,
    NumberSeries,
    PaymentMethod,
    Product,
    TaxRate,
)
from invoicetron.billing.services import LineData

OVERDUE = "overdue"


class InvoiceForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), empty_label="Choose a client…")
    currency = forms.ChoiceField(
        choices=[("", "The client's currency"), *CURRENCY_CHOICES], required=False
    )
    series = forms.ModelChoiceField(
        queryset=NumberSeries.objects.filter(kind=DocumentKind.INVOICE),
        required=False,
        empty_label="Default series",
        label="Number series",
    )
    issue_date = forms.DateField(required=False, widget=DateInput(), help_text="Blank: on issue.")
    due_date = forms.DateField(
        required=False, widget=DateInput(), help_text="Blank: from the payment terms."
    )
    prices_include_tax = forms.BooleanField(required=False, label="Prices include tax")
    discount_type = forms.ChoiceField(
        choices=DiscountType.choices, initial=DiscountType.PERCENT, label="Document discount"
    )
    discount_value = decimal_text("Discount", required=False, initial="0")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    terms = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, current_client_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = Client.objects.filter(Q(archived=False) | Q(pk=current_client_id or 0))
        self.fields["client"].queryset = clients.only("id", "name")  # type: ignore[attr-defined]


class TotalsForm(forms.Form):
    """The header fields the live totals read. All optional: the draft is still being typed."""

    client = forms.ModelChoiceField(queryset=Client.objects.all(), required=False)
    currency = forms.ChoiceField(choices=[("", ""), *CURRENCY_CHOICES], required=False)
    prices_include_tax = forms.BooleanField(required=False)
    discount_type = forms.ChoiceField(choices=DiscountType.choices, required=False)
    discount_value = forms.CharField(required=False, max_length=40)


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
    """One invoice line. A row left blank (no description, no price) is ignored."""

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


LineFormSet = forms.formset_factory(
    LineForm, extra=0, can_delete=True, max_num=200, absolute_max=200, validate_max=True
)


def line_initial(line: LineData) -> dict[str, Any]:
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


class IssueForm(forms.Form):
    issue_date = forms.DateField(required=False, widget=DateInput(), help_text="Blank: today.")
    exchange_rate = decimal_text(required=False)


class PaymentForm(forms.Form):
    amount = decimal_text()
    date = forms.DateField(widget=DateInput())
    method = forms.ChoiceField(choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER)
    reference = forms.CharField(required=False, max_length=200)


class CreditNoteForm(forms.Form):
    reason = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scope = forms.ChoiceField(
        choices=[("all", "Everything not yet credited"), ("lines", "Only the quantities below")],
        initial="all",
        widget=forms.RadioSelect,
        label="Credit",
    )


class CreditLineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = decimal_text(required=False)


CreditLineFormSet = forms.formset_factory(CreditLineForm, extra=0, max_num=200, absolute_max=200)


def status_choices() -> Sequence[tuple[str, str]]:
    return [("", "Any status"), *InvoiceStatus.choices, (OVERDUE, "Overdue")]


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
    status = forms.ChoiceField(required=False, choices=status_choices)
    client = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    date_from = forms.DateField(required=False, widget=DateInput(), label="Issued from")
    date_to = forms.DateField(required=False, widget=DateInput(), label="Issued to")


class CreditNoteFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
    client = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    date_from = forms.DateField(required=False, widget=DateInput(), label="Issued from")
    date_to = forms.DateField(required=False, widget=DateInput(), label="Issued to")
