"""Invoice forms: draft header, issuing, payments, credit notes, the list filter.

A draft's line rows are billing.lines' LineForm (shared with quotes and schedules).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.currencies import currency_choices
from invoicetron.billing.forms.adjustments import (
    ROWS,
    ROWS_WRONG,
    AdjustmentFormSet,
    adjustment_initial,
    tax_choices,
)
from invoicetron.billing.forms.widgets import DateInput, decimal_text
from invoicetron.billing.models import (
    Client,
    DiscountType,
    DocumentKind,
    InvoiceStatus,
    NumberSeries,
    PaymentMethod,
    document_currency,
)
from invoicetron.billing.validation import plain_id

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OVERDUE = "overdue"


class InvoiceForm(forms.Form):
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), empty_label=_("Choose a client…"), label=_("Client")
    )
    currency = forms.ChoiceField(
        choices=currency_choices.with_blank(_("The client's currency")),
        required=False,
        label=_("Currency"),
    )
    series = forms.ModelChoiceField(
        queryset=NumberSeries.objects.filter(kind=DocumentKind.INVOICE),
        required=False,
        empty_label=_("Default series"),
        label=_("Number series"),
    )
    issue_date = forms.DateField(
        required=False, widget=DateInput(), label=_("Issue date"), help_text=_("Blank: on issue.")
    )
    due_date = forms.DateField(
        required=False,
        widget=DateInput(),
        label=_("Due date"),
        help_text=_("Blank: from the payment terms."),
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
    buyer_reference = forms.CharField(
        required=False,
        max_length=200,
        label=_("Buyer reference"),
        help_text=_(
            "The reference the client asked for (XRechnung: its Leitweg-ID). "
            "Blank: the client's own buyer reference."
        ),
    )
    order_reference = forms.CharField(
        required=False,
        max_length=200,
        label=_("Purchase order"),
        help_text=_("The client's order number, if it gave one."),
    )

    def __init__(self, *args: Any, current_client_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = Client.objects.filter(Q(archived=False) | Q(pk=current_client_id or 0))
        self.fields["client"].queryset = clients.only("id", "name")  # type: ignore[attr-defined]
        stored = self.initial.get("adjustments") or []
        self.adjustment_rows = AdjustmentFormSet(
            self.data if self.is_bound else None,
            initial=adjustment_initial(stored),
            prefix="adjustments",
            form_kwargs={"tax_choices": tax_choices([*stored, *self._posted_rates()])},
        )

    def _posted_rates(self) -> list[dict[str, Any]]:
        """The rates the posted rows name, so that a row keeps a rate deactivated meanwhile."""
        rows = (value for key, value in self.data.items() if key.endswith("-tax_rate"))
        ids = (plain_id(value) for value in rows)
        return [{"tax_rate": pk} for pk in ids if pk is not None]

    def clean(self) -> dict[str, Any]:
        """The allowance and charge rows as `Invoice.adjustments` entries (`adjustments`)."""
        cleaned = super().clean() or {}
        rows = self.adjustment_rows
        if not rows.is_valid():
            problems = " ".join(str(problem) for problem in rows.non_form_errors())
            raise ValidationError(f"{ROWS_WRONG} {problems}".strip())
        client = cleaned.get("client")
        if client is not None:
            currency = cleaned.get("currency") or document_currency(client)
            cleaned["adjustments"] = rows.entries(currency)
        return cleaned

    def place_service_errors(self, error: ValidationError) -> ValidationError | None:
        """The drafts service's errors of the allowances and charges (`adjustments` for the list,
        `adjustments-N-field` for a row) beside their rows, with a message above them; the
        other errors come back for the usual placing (None when there are none)."""
        if not hasattr(error, "error_dict"):
            return error
        ours = {key: value for key, value in error.error_dict.items() if ROWS.match(key)}
        if not ours:
            return error
        rest = {key: value for key, value in error.error_dict.items() if key not in ours}
        whole = ours.pop("adjustments", [])
        self.add_error(None, [message for item in whole for message in item.messages] or ROWS_WRONG)
        unplaced = self.adjustment_rows.place_errors(ValidationError(ours)) if ours else None
        if unplaced is not None:
            rest |= unplaced.error_dict
        return ValidationError(rest) if rest else None


class TotalsForm(forms.Form):
    """The header fields the live totals read. All optional: the draft is still being typed."""

    client = forms.ModelChoiceField(queryset=Client.objects.all(), required=False)
    currency = forms.ChoiceField(choices=currency_choices.with_blank(""), required=False)
    prices_include_tax = forms.BooleanField(required=False)
    discount_type = forms.ChoiceField(choices=DiscountType.choices, required=False)
    discount_value = forms.CharField(required=False, max_length=40)


class IssueForm(forms.Form):
    issue_date = forms.DateField(
        required=False, widget=DateInput(), label=_("Issue date"), help_text=_("Blank: today.")
    )
    exchange_rate = decimal_text(_("Exchange rate"), required=False)


class PaymentForm(forms.Form):
    amount = decimal_text(_("Amount"))
    date = forms.DateField(widget=DateInput(), label=_("Date"))
    method = forms.ChoiceField(
        choices=PaymentMethod.choices, initial=PaymentMethod.BANK_TRANSFER, label=_("Method")
    )
    reference = forms.CharField(required=False, max_length=200, label=_("Reference"))
    keep_excess_as_credit = forms.BooleanField(
        required=False,
        label=_("Keep the excess as client credit"),
        help_text=_("Without it, a payment above the balance due is refused."),
    )


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        required=False, label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2})
    )
    scope = forms.ChoiceField(
        choices=[
            ("all", _("Everything not yet credited")),
            ("lines", _("Only the quantities below")),
        ],
        initial="all",
        widget=forms.RadioSelect,
        label=_("Credit"),
    )


class CreditLineForm(forms.Form):
    line_id = forms.IntegerField(widget=forms.HiddenInput)
    quantity = decimal_text(_("Quantity to credit"), required=False)


CreditLineFormSet = forms.formset_factory(CreditLineForm, extra=0, max_num=200, absolute_max=200)


def status_choices() -> Sequence[tuple[str, StrOrPromise]]:
    return [("", _("Any status")), *InvoiceStatus.choices, (OVERDUE, _("Overdue"))]


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=100)
    status = forms.ChoiceField(required=False, choices=status_choices, label=_("Status"))
    client = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    date_from = forms.DateField(required=False, widget=DateInput(), label=_("Issued from"))
    date_to = forms.DateField(required=False, widget=DateInput(), label=_("Issued to"))


class CreditNoteFilterForm(forms.Form):
    q = forms.CharField(required=False, label=_("Search"), max_length=100)
    client = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    date_from = forms.DateField(required=False, widget=DateInput(), label=_("Issued from"))
    date_to = forms.DateField(required=False, widget=DateInput(), label=_("Issued to"))
