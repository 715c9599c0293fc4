"""Forms for refunds and client credit: refund a payment, apply credit, refund credit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.forms.widgets import DateInput, number_input
from invoicetron.billing.language import shown_amount
from invoicetron.billing.models import Invoice, PaymentMethod


class RefundForm(forms.Form):
    """A refund of a payment, or of client credit (then `currency` says which credit)."""

    amount = forms.CharField(label=_("Amount"), widget=number_input())
    date = forms.DateField(label=_("Date"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=200)


class InvoiceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Invoice) -> str:
        return gettext("%(number)s — %(balance)s due") % {
            "number": obj.number,
            "balance": shown_amount(obj.balance_due, obj.currency),
        }


class ApplyCreditForm(forms.Form):
    """Which open invoice of the client, in the credit's currency, the credit settles."""

    invoice = InvoiceChoiceField(label=_("Invoice"), queryset=Invoice.objects.none())
    amount = forms.CharField(
        label=_("Amount"),
        widget=number_input(),
        required=False,
        help_text=_("Empty: as much as the credit and the balance due allow."),
    )

    def __init__(self, *args: Any, invoices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invoice"]
        assert isinstance(field, forms.ModelChoiceField)
        if invoices is not None:
            field.queryset = invoices
