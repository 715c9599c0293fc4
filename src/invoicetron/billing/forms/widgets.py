"""Small widget helpers shared by the billing forms."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def number_input(**attrs: Any) -> forms.TextInput:
    """A text box for exact decimals: services check the digits, the phone shows a keypad."""
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **attrs})


def decimal_text(label: StrOrPromise = "", **options: Any) -> forms.CharField:
    return forms.CharField(label=label or None, widget=number_input(), **options)
