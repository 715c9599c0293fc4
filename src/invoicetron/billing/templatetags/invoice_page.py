"""The invoice page's history rows, written in one call.

Rendered by the template engine, each history row cost about half a millisecond: a dozen
variables, a filter per value and a nested loop per change. Written here with `format_html`
they cost a fraction of it. The HTML is the same as the template's was.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import template
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.timezone import localtime

from invoicetron.billing.models import AuditAction, AuditEvent
from invoicetron.billing.templatetags.billing import changes

register = template.Library()

ROW = '\n  <tr><td>{}</td><td>{}</td><td>{}{}</td>\n  <td><ul class="changes">{}</ul></td></tr>\n  '
CHANGE = '<li><span class="field-name">{}</span> {}{}</li>'
# Other apps record their own actions on the trail: those not listed show as recorded.
_ACTION_LABELS = dict(AuditAction.choices)


def _when(value: datetime.datetime | None) -> str:
    """`|date:"Y-m-d H:i"` in the current time zone, as the template showed it."""
    return localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _truncated(text: str, length: int) -> str:
    """`|truncatechars:length`; short ASCII text (nearly every value) is returned as it is."""
    if len(text) <= length and text.isascii():
        return text
    return str(truncatechars(text, length))


def _changes(event: AuditEvent) -> SafeString:
    return format_html_join(
        "",
        CHANGE,
        (
            (name, "" if old is None else f"{_truncated(old, 80)} → ", _truncated(new, 120))
            for name, old, new in changes(event)
        ),
    )


def _cells(event: AuditEvent) -> tuple[object, ...]:
    subject = ""
    if event.object_type != "billing.invoice":  # a payment, a credit note, an email…
        subject = format_html(' <span class="help">{}</span>', event.object_repr)
    return (
        _when(event.created_at),
        event.actor_label,
        _ACTION_LABELS.get(event.action, event.action),
        subject,
        _changes(event),
    )


@register.simple_tag
def trail_rows(events: Iterable[AuditEvent]) -> SafeString:
    """One `<tr>` per event: when, who, what (and on which object), and the values it changed."""
    return format_html_join("", ROW, (_cells(event) for event in events))
