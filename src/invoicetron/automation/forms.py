"""Forms of the automation pages: recurring schedules and their lines, reminder steps, webhooks."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicetron.automation.models import Frequency, ReminderStep
from invoicetron.automation.webhooks import EVENTS
from invoicetron.billing.currencies import currency_choices
from invoicetron.billing.forms.widgets import DateInput, decimal_text
from invoicetron.billing.lines import LineForm, line_formset_class
from invoicetron.billing.models import Client, DiscountType


class ScheduleForm(forms.Form):
    name = forms.CharField(
        max_length=200, label=_("Name"), help_text=_("For you, e.g. “Monthly retainer”.")
    )
    client = forms.ModelChoiceField(
        queryset=Client.objects.none(), empty_label=_("Choose a client…"), label=_("Client")
    )
    currency = forms.ChoiceField(
        choices=currency_choices.with_blank(_("The client's currency")),
        required=False,
        label=_("Currency"),
    )
    exchange_rate = decimal_text(
        _("Exchange rate"),
        required=False,
        help_text=_(
            "For another currency than your base one: how much of your base currency one unit "
            "is worth. Blank: the rate table's on each invoice's date (Settings → Exchange "
            "rates), else the rate of the latest invoice issued in that currency."
        ),
    )
    frequency = forms.ChoiceField(
        choices=Frequency.choices, initial=Frequency.MONTHLY, label=_("Frequency")
    )
    start_date = forms.DateField(
        widget=DateInput(),
        label=_("Start date"),
        help_text=_("The first invoice's date; its day of the month repeats."),
    )
    end_date = forms.DateField(
        required=False, widget=DateInput(), label=_("End date"), help_text=_("Blank: no end.")
    )
    max_count = forms.IntegerField(
        required=False,
        min_value=1,
        label=_("Number of invoices"),
        help_text=_("Blank: no limit."),
    )
    auto_issue = forms.BooleanField(required=False, initial=True, label=_("Issue automatically"))
    auto_send = forms.BooleanField(required=False, label=_("Email automatically"))
    # Left out (a form posted before schedules had one): no discount.
    discount_type = forms.ChoiceField(
        choices=DiscountType.choices,
        initial=DiscountType.PERCENT,
        required=False,
        label=_("Document discount"),
    )
    discount_value = decimal_text(
        _("Discount"), required=False, initial="0", help_text=_("Taken off every invoice.")
    )
    notes = forms.CharField(
        required=False, label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, current_client_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = Client.objects.filter(Q(archived=False) | Q(pk=current_client_id or 0))
        self.fields["client"].queryset = clients.only("id", "name")  # type: ignore[attr-defined]

    def clean_discount_type(self) -> str:
        return self.cleaned_data.get("discount_type") or DiscountType.PERCENT

    def clean_discount_value(self) -> str:
        return self.cleaned_data.get("discount_value") or "0"


class ScheduleLineForm(LineForm):
    """An invoice line as a schedule keeps it: product, taxes and line discount included.

    The discount may be left out (schedules written before lines had one): none, then."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["discount_type"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["discount_type"] = data.get("discount_type") or DiscountType.PERCENT
        return data


ScheduleLineFormSet = line_formset_class(ScheduleLineForm)


class ReminderStepForm(forms.ModelForm):
    late_fee_value = decimal_text(_("Fee"), required=False, initial="0")

    class Meta:
        model = ReminderStep
        fields = ("days", "late_fee", "late_fee_value", "active")
        labels: ClassVar = {
            "days": _("Days after the due date"),
            "late_fee": _("Late fee"),
            "active": _("Active"),
        }
        help_texts: ClassVar = {
            "days": _("Negative: before it (-3 is three days before); 0: on the day.")
        }

    def clean_late_fee_value(self) -> str:
        return self.cleaned_data.get("late_fee_value") or "0"


class EndpointForm(forms.Form):
    url = forms.URLField(max_length=500, label=_("URL"), assume_scheme="https")
    events = forms.MultipleChoiceField(
        required=False,
        choices=[(event, event) for event in EVENTS],
        widget=forms.CheckboxSelectMultiple,
        label=_("Events"),
        help_text=_("None ticked: every event."),
    )
    active = forms.BooleanField(required=False, initial=True, label=_("Active"))
