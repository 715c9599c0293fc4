"""The exchange-rate table's forms: one rate, the list's filters, and the file import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.currencies import currency_choices
from invoicetron.billing.formatting import plain
from invoicetron.billing.forms.widgets import DateInput, number_input
from invoicetron.billing.models import ExchangeRate, RateSource
from invoicetron.billing.money import RATE_PLACES
from invoicetron.billing.rate_files import MAX_FILE_BYTES, too_large
from invoicetron.billing.validation import checked_number


class ExchangeRateForm(forms.Form):
    """One rate; the service checks it against the base currency (billing.services.save_rate)."""

    currency = forms.ChoiceField(label=_("Currency"), choices=currency_choices)
    date = forms.DateField(label=_("Date"), widget=DateInput())
    rate = forms.CharField(label=_("Rate"), max_length=40, widget=number_input())

    def __init__(self, *args: Any, base_currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rate"].help_text = _(
            "How many %(base)s one unit of the currency is worth: 1 USD = 0.92 %(base)s is 0.92."
        ) % {"base": base_currency}

    @classmethod
    def initial_of(cls, rate: ExchangeRate) -> dict[str, Any]:
        return {
            "currency": rate.currency,
            "date": rate.date,
            "rate": plain(rate.rate),
        }

    def clean_rate(self) -> Any:
        try:
            return checked_number(
                self.cleaned_data["rate"], "rate", places=RATE_PLACES, label=str(_("Rate"))
            )
        except ValidationError as error:
            raise ValidationError(error.messages) from error


class RateFilterForm(forms.Form):
    currency = forms.ChoiceField(
        label=_("Currency"), required=False, choices=currency_choices.with_blank(_("Any currency"))
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any source")), *RateSource.choices]
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())


class RateImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "The ECB's euro reference rates: eurofxref.csv (one day) or eurofxref-hist.csv "
            "(every day), or the ZIP archive they are downloaded in."
        ),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        # The request was refused before it was read when larger (settings.UPLOAD_LIMITS); read at
        # most the limit and one byte more all the same, so that nothing here holds more.
        data = bytes(upload.read(MAX_FILE_BYTES + 1))
        if len(data) > MAX_FILE_BYTES:
            raise ValidationError(too_large())
        self.filename = str(upload.name or "")
        return data
