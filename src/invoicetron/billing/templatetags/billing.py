"""Template helpers for the billing pages: amounts and audit values.

Amounts, prices, quantities and dates on the pages follow the UI language: `amount`, `price`,
`plain` and `ui_date` write them in `language.ui_locale()` (billing/formatting.py's `ui_*`).
`money_in`, `number_in` and `date_in` write a given locale's way (documents in the client's).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from invoicetron.billing import formatting, money, pdf
from invoicetron.billing.countries import country_choices
from invoicetron.billing.formatting import localized_date, localized_number
from invoicetron.billing.language import ui_locale
from invoicetron.billing.models import (
    AuditEvent,
    DiscountType,
    InvoiceKind,
    InvoiceStatus,
    PaymentMethod,
)

register = template.Library()


@register.filter
def amount(value: Decimal | str | None, currency: str) -> str:
    """`1,234.50 EUR` (en), `1.234,50 EUR` (de): the currency's minor digits, the UI's locale."""
    if value is None or value == "":
        return ""
    return formatting.ui_amount(Decimal(value), currency, ui_locale())


@register.filter
def plain(value: Decimal | str | int | None) -> str:
    """A quantity or rate without trailing zeros, with the UI's decimal sign: 3.000 → 3,
    1.50 → 1.5 (en), 1,5 (de)."""
    return formatting.ui_number(value, ui_locale())


@register.filter
def ui_date(value: datetime.date | None, skeleton: str = "") -> str:
    """A date (a datetime: its day in the current time zone) the way the UI's locale writes it:
    `7 December 2026`, `7. Dezember 2026`; with a CLDR skeleton, `|ui_date:"yMMMM"` →
    `Dezember 2026`. "" for none."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formatting.ui_date(value, ui_locale(), skeleton)


@register.filter
def with_ui_locale(language_code: str) -> str:
    """`LANGUAGE_CODE` and the UI's locale, for a `{% cache %}` key: "de de_CH". A kept fragment
    with amounts or dates is then never shown in another locale's format (a business that
    changes its locale moves the change marker too, but another process keeps the old locale
    for up to BUSINESS_LANGUAGE_SECONDS and could keep a fragment written its way)."""
    return f"{language_code} {ui_locale()}"


@register.filter
def ui_datetime(value: datetime.datetime | None) -> str:
    """A moment in the current time zone, as the UI's locale writes it: `7 December 2026, 14:05`,
    `7. Dezember 2026, 14:05`. "" for none."""
    if not value:
        return ""
    return formatting.ui_datetime(timezone.localtime(value), ui_locale())


@register.filter
def base_currency_totals(invoice: Any) -> dict[str, Any] | None:
    """An issued foreign-currency invoice's totals in the base currency with the rate used, when
    the business shows them (`pdf.base_currency_figures`); None otherwise."""
    found = pdf.base_currency_figures(invoice.snapshot) if invoice.snapshot else None
    if found is None:
        return None
    base, rate, figures = found
    return {"currency": base, "rate": rate, "figures": figures}


@register.filter
def money_in(value: Decimal | str | None, currency_and_locale: str) -> str:
    """An amount the way a CLDR locale writes it: `{{ total|money_in:"EUR de_DE" }}` →
    `1.234,50 €` (money.format_money)."""
    if value is None or value == "":
        return ""
    currency, _space, locale = currency_and_locale.partition(" ")
    return money.format_money(Decimal(value), currency, locale or "en")


@register.filter
def number_in(value: Decimal | str | None, locale: str) -> str:
    """A quantity or rate the way a CLDR locale writes it: `{{ 1500.5|number_in:"de_DE" }}` →
    `1.500,5` (formatting.localized_number)."""
    if value is None or value == "":
        return ""
    return localized_number(Decimal(value), locale)


@register.filter
def date_in(value: datetime.date | None, locale: str) -> str:
    """A date with its month's name the way a CLDR locale writes it: `15 janvier 2027` (fr)."""
    return localized_date(value, locale) if value else ""


@register.filter
def postal_address(party: Any) -> str:
    """A business's or client's structured address (model or snapshot dict) as printed lines:
    street, additional line, postcode and city, region, country. For `linebreaksbr`."""

    def value(name: str) -> str:
        found = party.get(name) if isinstance(party, dict) else getattr(party, name, "")
        return str(found or "")

    lines = [
        value("street"),
        value("street_2"),
        f"{value('postcode')} {value('city')}".strip(),
        value("subdivision"),
        country_choices.names().get(value("country"), value("country")),
    ]
    return "\n".join(line for line in lines if line)


# Bookkeeping fields the trail row already says (who, when) or that mean nothing to a reader.
HIDDEN_FIELDS = frozenset(
    {"created_at", "updated_at", "created_by", "issued_at", "issued_by", "sequence", "invoice"}
)
DECIMAL = re.compile(r"^-?\d+\.(\d+)$")
# The names the history gives the fields it shows most, in the reader's language; other fields
# show their own name. The English is the field name as it always read.
FIELD_NAMES = {
    "status": pgettext_lazy("history field", "status"),
    "number": pgettext_lazy("history field", "number"),
    "client": pgettext_lazy("history field", "client"),
    "currency": pgettext_lazy("history field", "currency"),
    "issue_date": pgettext_lazy("history field", "issue date"),
    "due_date": pgettext_lazy("history field", "due date"),
    "notes": pgettext_lazy("history field", "notes"),
    "terms": pgettext_lazy("history field", "terms"),
    "lines": pgettext_lazy("history field", "lines"),
    "total": pgettext_lazy("history field", "total"),
    "net_total": pgettext_lazy("history field", "net total"),
    "tax_total": pgettext_lazy("history field", "tax total"),
    "amount_paid": pgettext_lazy("history field", "amount paid"),
    "amount_credited": pgettext_lazy("history field", "amount credited"),
    "balance_due": pgettext_lazy("history field", "balance due"),
    "amount": pgettext_lazy("history field", "amount"),
    "date": pgettext_lazy("history field", "date"),
    "method": pgettext_lazy("history field", "method"),
    "reference": pgettext_lazy("history field", "reference"),
    "reason": pgettext_lazy("history field", "reason"),
    "sent_at": pgettext_lazy("history field", "sent at"),
    "series": pgettext_lazy("history field", "series"),
    "exchange_rate": pgettext_lazy("history field", "exchange rate"),
    "discount_type": pgettext_lazy("history field", "discount type"),
    "discount_value": pgettext_lazy("history field", "discount value"),
    "prices_include_tax": pgettext_lazy("history field", "prices include tax"),
    "buyer_reference": pgettext_lazy("history field", "buyer reference"),
    "order_reference": pgettext_lazy("history field", "order reference"),
    "adjustments": pgettext_lazy("history field", "adjustments"),
    "name": pgettext_lazy("history field", "name"),
    "email": pgettext_lazy("history field", "email"),
    "payment": pgettext_lazy("history field", "payment"),
    "deposit": pgettext_lazy("history field", "deposit"),
    "deposit_invoice": pgettext_lazy("history field", "deposit invoice"),
    "kind": pgettext_lazy("history field", "kind"),
}
# The stored codes of these fields read as their labels (a status, a payment method).
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "status": dict(InvoiceStatus.choices),
    "method": dict(PaymentMethod.choices),
    "discount_type": dict(DiscountType.choices),
    "kind": dict(InvoiceKind.choices),
}


@register.filter
def changes(event: AuditEvent) -> list[tuple[str, str | None, str]]:
    """(field, old, new) for the values an audit event recorded; old is None on a creation."""
    old, new = event.old_values or {}, event.new_values or {}
    creating = not old
    rows: list[tuple[str, str | None, str]] = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if key in HIDDEN_FIELDS or (creating and _is_empty(after)):
            continue
        name = str(FIELD_NAMES.get(key) or key.replace("_", " "))
        shown = VALUE_LABELS.get(key, {})
        before = shown.get(before, before) if isinstance(before, str) else before
        after = shown.get(after, after) if isinstance(after, str) else after
        rows.append((name, None if creating else _show(before), _show(after)))
    return rows


def _is_empty(value: Any) -> bool:
    if isinstance(value, str) and DECIMAL.match(value):
        return Decimal(value) == 0
    return value in (None, "", [], {}, False)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str) and (match := DECIMAL.match(value)):
        places = min(len(match[1]), max(2, len(match[1].rstrip("0"))))
        return formatting.ui_decimal(Decimal(value), places, ui_locale())
    if isinstance(value, list):
        return "; ".join(_show(item) for item in value) or "—"
    if isinstance(value, dict) and "description" in value:
        taxes = ", ".join(value.get("taxes", []))
        # The multiplication sign is the one a reader expects between quantity and item.
        line = _("%(quantity)s × %(description)s at %(price)s") % {  # noqa: RUF001
            "quantity": _show(value.get("quantity")),
            "description": value["description"],
            "price": _show(value.get("unit_price")),
        }
        return line + (f" ({taxes})" if taxes else "")
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_show(item)}" for key, item in value.items())
    return str(value)


@register.filter
def price(value: Decimal | str | None, currency: str) -> str:
    """A unit price: its own decimals, but at least the currency's (19.9 → 19.90), grouped the
    way the UI's locale writes numbers (1,250.125 in English, 1.250,125 in German)."""
    if value is None or value == "":
        return ""
    return localized_number(Decimal(value), ui_locale(), money.minor_unit(currency))


@register.filter
def minor(value: Decimal | str | None, currency: str) -> str:
    """An amount with the currency's digits and no grouping, for form fields: 1574.98."""
    if value is None or value == "":
        return ""
    return str(money.round_to_minor_unit(Decimal(value), currency))


_STATUS_LABELS = dict(InvoiceStatus.choices)


@register.simple_tag
def status_badge(invoice: Any, today: Any) -> str:
    """An invoice's status badge, and an Overdue badge when it is (one call: lists show one a row,
    and an include per row cost a new context). A fast path: see FAST_PATHS in __init__.py."""
    # The status's label from a dict: `get_status_display()` hashes the choices on every call.
    label = _STATUS_LABELS.get(invoice.status)
    if label is None:
        label = invoice.get_status_display()
    badge = format_html('<span class="badge status-{}">{}</span>', invoice.status, label)
    if invoice.is_overdue(today):
        badge += format_html(' <span class="badge status-overdue">{}</span>', _("Overdue"))
    return badge


@register.filter
def overdue_on(invoice: Any, today: Any) -> bool:
    """`invoice.is_overdue(today)` for templates (the status badge's twin)."""
    return bool(invoice.is_overdue(today))


@register.simple_tag
def filter_fields(form: Any) -> str:
    """The invoice list's filter fields (status, dates, client), as their twin
    billing/twins/filter_fields.html renders them, without a template per widget and option. ""
    when a field has an error: the list then includes the twin, which shows the messages. A fast
    path: see FAST_PATHS in __init__.py."""
    if form.is_bound and form.errors:
        return ""

    def value(name: str) -> str:
        raw = form[name].value()
        return "" if raw is None else str(raw)

    status = value("status")
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice, mark_safe(" selected") if choice == status else "", label)
            for choice, label in form.fields["status"].choices
        ),
    )
    html = format_html(
        '<div class="field"><label for="id_status">{}</label>'
        '<select name="status" id="id_status">{}</select></div>',
        form["status"].label,
        options,
    )
    for name in ("date_from", "date_to"):
        shown = value(name)
        html += format_html(
            '<div class="field"><label for="id_{}">{}</label>'
            '<input type="date" name="{}"{} id="id_{}"></div>',
            name,
            form[name].label,
            name,
            format_html(' value="{}"', shown) if shown else "",
            name,
        )
    client = value("client")
    html += format_html(
        '<input type="hidden" name="client"{} id="id_client">',
        format_html(' value="{}"', client) if client else "",
    )
    return html
