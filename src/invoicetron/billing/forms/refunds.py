"""Forms for refunds and client credit: refund a payment, apply credit, refund credit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicetron.billing import money
from invoicetron.billing.forms.widgets import DateInput, decimal_text
from invoicetron.billing.models import Invoice, PaymentMethod


class RefundForm(forms.Form):
    """A refund of a payment, or of client credit (then `currency` says which credit)."""

    amount = decimal_text(label=_("Amount"))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER
    )
    reference = forms.CharField(label=_("Reference"), required=False, max_length=200)


class ApplyCreditForm(forms.Form):
    """Which open invoice of the client, in the credit's currency, the credit settles."""

    invoice = forms.ModelChoiceField(label=_("Invoice"), queryset=Invoice.objects.none())
    amount = decimal_text(
        label=_("Amount"),
        required=False,
        help_text=_("Empty: as much as the credit and the balance due allow."),
    )

    def __init__(self, *args: Any, invoices: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invoice"]
        assert isinstance(field, forms.ModelChoiceField)
        if invoices is not None:
            field.queryset = invoices
        field.label_from_instance = lambda invoice: (
            _("%(number)s — %(balance)s due")
            % {
                "number": invoice.number,
                "balance": money.format_amount(invoice.balance_due, invoice.currency),
            }
        )
