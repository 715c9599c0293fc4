"""Template helpers for the dashboard and reports: amounts and SVG coordinates."""

from __future__ import annotations

from decimal import Decimal

from django import template

from invoicetron.billing import money

register = template.Library()


@register.filter
def money_in(value: Decimal | str | None, currency: str) -> str:
    """`1,234.50 EUR`, with exactly the currency's minor digits."""
    if value is None or value == "":
        return ""
    return money.format_amount(Decimal(value), currency)


@register.filter
def coord(value: float) -> str:
    """An SVG coordinate with one decimal, never localised (a comma would break the SVG)."""
    return f"{float(value):.1f}"
