"""Quote forms: the draft header (its lines use billing's line form) and the list filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from invoicetron.billing.currencies import CURRENCY_CHOICES
from invoicetron.billing.forms.widgets import DateInput, decimal_text
from invoicetron.billing.models import Client, DiscountType
from invoicetron.quotes.models import QuoteStatus


class QuoteForm(forms.Form):
    client = forms.ModelChoiceField(queryset=Client.objects.none(), empty_label="Choose a client…")
    currency = forms.ChoiceField(
        choices=[("", "The client's currency"), *CURRENCY_CHOICES], required=False
    )
    valid_until = forms.DateField(
        required=False, widget=DateInput(), help_text="Blank: 30 days after sending."
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


class QuoteFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *QuoteStatus.choices])
