"""Forms of the reports pages: the date filter, the upload and the column mapping."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.dates import validate_date_in_range
from invoicetron.reports.amounts import DateRange
from invoicetron.reports.csvio.columns import label
from invoicetron.reports.importers.runner import KINDS
from invoicetron.reports.importers.values import DATE_FORMATS, Existing, Options
from invoicetron.reports.sales import PERIODS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label: StrOrPromise) -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=DATE_INPUT, validators=[validate_date_in_range]
    )


class DateRangeForm(forms.Form):
    start = date_field(_("From"))
    end = date_field(_("To"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            raise forms.ValidationError(
                _("The end date is before the start date."), code="end_before_start"
            )
        return data

    def dates(self) -> DateRange:
        if not self.is_valid():
            return DateRange()
        return DateRange(self.cleaned_data.get("start"), self.cleaned_data.get("end"))


class SalesForm(DateRangeForm):
    period = forms.ChoiceField(
        choices=list(PERIODS.items()), required=False, initial="month", label=_("Period")
    )

    def period_kind(self) -> str:
        value = self.cleaned_data.get("period") if self.is_valid() else ""
        return value or "month"


class AgingForm(DateRangeForm):
    as_of = date_field(_("Aged as of"))

    def as_of_date(self, default: datetime.date) -> datetime.date:
        value = self.cleaned_data.get("as_of") if self.is_valid() else None
        return value or default


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=[(k, v[0]) for k, v in KINDS.items()]
    )
    file = forms.FileField(label=_("CSV file"))


class MappingForm(forms.Form):
    """One select per target field, listing the file's columns; plus how values are written."""

    decimal_comma = forms.TypedChoiceField(
        label=_("Decimal separator"),
        choices=[("0", _("Point: 1234.50")), ("1", _("Comma: 1234,50"))],
        coerce=lambda value: value == "1",
        required=False,
    )
    date_format = forms.ChoiceField(
        label=_("Dates are written"), choices=list(DATE_FORMATS.items())
    )
    existing = forms.ChoiceField(
        label=_("Records that already exist"),
        choices=[
            (Existing.REFUSE, _("Report them as errors")),
            (Existing.SKIP, _("Skip them")),
            (Existing.UPDATE, _("Update them from the file")),
        ],
        initial=Existing.REFUSE,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        fields: tuple[str, ...],
        required: tuple[str, ...],
        header: list[str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", gettext("— not in the file —")), *((name, name) for name in header)]
        self.target_fields = fields
        for name in fields:
            self.fields[f"map_{name}"] = forms.ChoiceField(
                label=gettext("%(field)s (required)") % {"field": label(name)}
                if name in required
                else label(name),
                choices=choices,
                required=False,
            )

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"map_{name}") or "" for name in self.target_fields}

    def options(self) -> Options:
        return Options(
            decimal_comma=bool(self.cleaned_data.get("decimal_comma")),
            date_format=self.cleaned_data.get("date_format") or "%Y-%m-%d",
            existing=Existing(self.cleaned_data.get("existing") or Existing.REFUSE),
        )

    def mapped_fields(self) -> list[forms.BoundField]:
        return [self[f"map_{name}"] for name in self.target_fields]
