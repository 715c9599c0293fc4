"""Template helpers for the dashboard and reports: amounts and SVG coordinates."""

from __future__ import annotations

from decimal import Decimal

from django import template

from invoicetron.billing import formatting
from invoicetron.billing.language import ui_locale

register = template.Library()


@register.filter
def money_in(value: Decimal | str | None, currency: str) -> str:
    """`1,234.50 EUR` (en), `1.234,50 EUR` (de): the currency's minor digits, the UI's locale
    (the same as billing's `amount` filter)."""
    if value is None or value == "":
        return ""
    return formatting.ui_amount(Decimal(value), currency, ui_locale())


@register.filter
def coord(value: float) -> str:
    """An SVG coordinate with one decimal, never localised (a comma would break the SVG)."""
    return f"{float(value):.1f}"
