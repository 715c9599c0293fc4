"""Template helpers for the billing pages: amounts, query strings and audit values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.http import HttpRequest

from invoicetron.billing import money
from invoicetron.billing.models import AuditEvent

register = template.Library()


@register.filter
def amount(value: Decimal | str | None, currency: str) -> str:
    """`1,234.50 EUR`, with exactly the currency's minor digits."""
    if value is None or value == "":
        return ""
    return money.format_amount(Decimal(value), currency)


@register.filter
def plain(value: Decimal | str | None) -> str:
    """A quantity or rate without trailing zeros: 3.000 → 3, 9.975 → 9.975."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}"


@register.simple_tag
def query(request: HttpRequest, name: str, value: Any) -> str:
    """The current query string with one parameter replaced (for pagination links)."""
    params = request.GET.copy()
    params[name] = value
    return "?" + params.urlencode()


@register.filter
def changes(event: AuditEvent) -> list[tuple[str, str, str]]:
    """(field, old, new) for every value an audit event recorded."""
    old, new = event.old_values or {}, event.new_values or {}
    return [
        (key.replace("_", " "), _show(old.get(key)), _show(new.get(key)))
        for key in sorted(old.keys() | new.keys())
    ]


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(_show(item) for item in value) or "—"
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_show(item)}" for key, item in value.items())
    return str(value)


@register.filter
def overdue(invoice: Any, today: Any) -> bool:
    """Derived, never stored: see Invoice.is_overdue."""
    return bool(invoice.is_overdue(today))
