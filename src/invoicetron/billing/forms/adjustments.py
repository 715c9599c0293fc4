"""A draft invoice's document allowances and charges (EN 16931 BG-20 / BG-21), as form rows.

Each row becomes one entry of `Invoice.adjustments` in the shape the model documents:
{"charge": bool, "reason": str, "reason_code": str, "kind": "percent"|"amount", "value": "12.50",
"tax_rate": <TaxRate id> or None (spread over every rate)}. The rows check their own shape; the
money engine computes what they change.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.einvoice_codes import ALLOWANCE_REASON_CODES, CHARGE_REASON_CODES
from invoicetron.billing.forms.widgets import decimal_text
from invoicetron.billing.models import DiscountType, TaxRate
from invoicetron.billing.validation import checked_amount, checked_number

MAX_ADJUSTMENTS = 20
ROWS_WRONG = _("Correct the allowances and charges marked below.")
ROW_KEY = re.compile(r"^adjustments-(\d+)-(\w+)$")
ROWS = re.compile(r"^adjustments(-\d+-\w+)?$")  # the keys of the drafts service's errors
ALLOWANCE, CHARGE = "allowance", "charge"
# The reason code lists of EN 16931 (BR-CL-19, BR-CL-20), with an example for the messages.
REASON_CODES = {
    ALLOWANCE: (ALLOWANCE_REASON_CODES, _("an UNCL 5189 allowance code, e.g. 95 (discount)")),
    CHARGE: (CHARGE_REASON_CODES, _("an UNCL 7161 charge code, e.g. FC (freight)")),
}


class AdjustmentForm(forms.Form):
    """One allowance or charge. A row left blank (no reason, no code, no value) is ignored."""

    charge = forms.ChoiceField(
        choices=[(ALLOWANCE, _("Allowance (less)")), (CHARGE, _("Charge (more)"))],
        initial=ALLOWANCE,
        label=_("Allowance or charge"),
    )
    reason = forms.CharField(required=False, max_length=100, label=_("Reason"))
    reason_code = forms.CharField(
        required=False,
        max_length=3,
        label=_("Reason code"),
        help_text=_("Optional: UNCL 5189 (allowances, e.g. 95) or 7161 (charges, e.g. FC)."),
    )
    kind = forms.ChoiceField(
        choices=DiscountType.choices, initial=DiscountType.AMOUNT, label=_("% or amount")
    )
    value = decimal_text(
        _("Value"),
        required=False,
        help_text=_("A percent is of the net of the lines it concerns."),
    )
    tax_rate = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Tax"))

    def __init__(self, *args: Any, tax_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["tax_rate"]
        field.choices = [("", _("All rates (spread over them)")), *tax_choices]  # type: ignore[attr-defined]

    @property
    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(
            (data.get(name) or "").strip() for name in ("reason", "reason_code", "value")
        )

    def clean_reason_code(self) -> str:
        return str(self.cleaned_data.get("reason_code", "")).strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.is_blank or self.errors:
            return cleaned
        side = cleaned.get("charge", ALLOWANCE)
        code, reason = cleaned.get("reason_code", ""), cleaned.get("reason", "").strip()
        if not code and not reason:
            self.add_error("reason", _("Say why, in words or with a code (EN 16931 needs one)."))
        codes, example = REASON_CODES[side]
        if code and code not in codes:
            self.add_error(
                "reason_code",
                _("Enter %(example)s, or leave the code blank.") % {"example": example},
            )
        value = cleaned.get("value") or ""
        if not value.strip():
            self.add_error("value", _("Enter the amount or the percent."))
            return cleaned
        try:
            number = checked_number(value, "value", places=4, label=_("The value"))
        except ValidationError as error:
            self.add_error(None, error)
            return cleaned
        if number == 0:
            self.add_error("value", _("Enter a value above 0, or clear the row."))
        elif cleaned.get("kind") == DiscountType.PERCENT and number > 100:
            self.add_error("value", _("A percent cannot exceed 100."))
        cleaned["number"] = number
        return cleaned

    def check_currency(self, currency: str) -> None:
        """An amount has no more decimals than the invoice's currency has."""
        data = self.cleaned_data
        if self.is_blank or self.errors or data.get("kind") != DiscountType.AMOUNT:
            return
        try:
            checked_amount(data["number"], "value", currency, label=_("The value"))
        except ValidationError as error:
            self.add_error(None, error)

    def entry(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "charge": data["charge"] == CHARGE,
            "reason": data["reason"].strip(),
            "reason_code": data["reason_code"],
            "kind": data["kind"],
            "value": str(data["number"]),
            "tax_rate": data.get("tax_rate"),
        }


class BaseAdjustmentFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove")

    def entries(self, currency: str) -> list[dict[str, Any]]:
        """The kept rows as `Invoice.adjustments` entries; ValidationError when a row is wrong
        for `currency` (the error is also placed beside the row's value)."""
        kept = [
            form
            for form in self.forms
            if form.is_valid() and not form.is_blank and not form.cleaned_data.get("DELETE")
        ]
        for form in kept:
            form.check_currency(currency)
        if any(form.errors for form in kept):
            raise ValidationError(ROWS_WRONG)
        self.kept = kept
        return [form.entry() for form in kept]

    def place_errors(self, error: ValidationError) -> ValidationError | None:
        """Put a service's errors keyed `adjustments-N-field` (N: the Nth entry `entries` gave)
        beside that row; the other errors come back (None when there are none)."""
        if not hasattr(error, "error_dict"):
            return error
        rest: dict[str, Any] = {}
        kept: list[AdjustmentForm] = getattr(self, "kept", [])
        for key, errors in error.error_dict.items():
            match = ROW_KEY.match(key)
            if match and int(match[1]) < len(kept):
                row = kept[int(match[1])]
                row.add_error(match[2] if match[2] in row.fields else None, errors)
            else:
                rest[key] = errors
        return ValidationError(rest) if rest else None


AdjustmentFormSet: type[BaseAdjustmentFormSet] = forms.formset_factory(  # type: ignore[assignment]
    AdjustmentForm,
    formset=BaseAdjustmentFormSet,
    extra=1,
    can_delete=True,
    max_num=MAX_ADJUSTMENTS,
    absolute_max=MAX_ADJUSTMENTS,
    validate_max=True,
)


def tax_choices(entries: Iterable[dict[str, Any]]) -> list[tuple[str, str]]:
    """The rates a row may name: the active ones, and any the stored entries name already."""
    named = [entry["tax_rate"] for entry in entries if isinstance(entry.get("tax_rate"), int)]
    rates = TaxRate.objects.filter(Q(active=True) | Q(pk__in=named))
    return [(str(rate.pk), str(rate)) for rate in rates]


def adjustment_initial(entries: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A stored `Invoice.adjustments` list as the rows' initial values."""
    return [
        {
            "charge": CHARGE if entry.get("charge") else ALLOWANCE,
            "reason": entry.get("reason", ""),
            "reason_code": entry.get("reason_code", ""),
            "kind": entry.get("kind", DiscountType.AMOUNT),
            "value": entry.get("value", ""),
            "tax_rate": entry.get("tax_rate"),
        }
        for entry in entries
    ]
