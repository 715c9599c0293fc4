"""Quote forms: the draft header (its lines use billing's line form) and the list filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.currencies import currency_choices
from invoicetron.billing.forms.widgets import DateInput, decimal_text
from invoicetron.billing.models import Client, DiscountType
from invoicetron.quotes.models import QuoteStatus


class QuoteForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), empty_label=_("Choose a client…"), label=_("Client")
    )
    currency = forms.ChoiceField(
        choices=currency_choices.with_blank(_("The client's currency")),
        required=False,
        label=_("Currency"),
    )
    valid_until = forms.DateField(
        required=False,
        widget=DateInput(),
        label=_("Valid until"),
        help_text=_("Blank: 30 days after sending."),
    )
    prices_include_tax = forms.BooleanField(required=False, label=_("Prices include tax"))
    discount_type = forms.ChoiceField(
        choices=DiscountType.choices, initial=DiscountType.PERCENT, label=_("Document discount")
    )
    discount_value = decimal_text(_("Discount"), required=False, initial="0")
    notes = forms.CharField(
        required=False, label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3})
    )
    terms = forms.CharField(
        required=False, label=_("Terms"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, current_client_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = Client.objects.filter(Q(archived=False) | Q(pk=current_client_id or 0))
        self.fields["client"].queryset = clients.only("id", "name")  # type: ignore[attr-defined]


class QuoteFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=100)
    status = forms.ChoiceField(
        required=False, label=_("Status"), choices=[("", _("Any status")), *QuoteStatus.choices]
    )
