"""The invoice page's history rows and payment form, each written in one call.

Fast paths (listed, with their template twins and the benchmark that keeps them, in
`invoicetron.billing.templatetags.FAST_PATHS`): rendered by the template engine, each history row
cost about half a millisecond (a dozen variables, a filter per value, a loop per change) and the
payment form about a millisecond (a template per field, widget, attribute list and option).
Written here with `format_html`, which escapes every value, they cost a fraction of it;
tests/billing_ui/test_fast_paths.py proves the HTML is the twins'. (The lines, about 0.1 ms
each, are a template again: billing/invoices/_line_rows.html.)
"""

from __future__ import annotations

import datetime
import unicodedata
from collections.abc import Iterable
from typing import Any

from django import forms, template
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from invoicetron.billing.models import AuditAction, AuditEvent, Invoice
from invoicetron.billing.templatetags.billing import changes

register = template.Library()

# Other apps record their own actions on the trail: those not listed show as recorded.
ACTION_LABELS = dict(AuditAction.choices)
INVOICE = Invoice._meta.label_lower

TRAIL_ROW = (
    '\n  <tr><td>{}</td><td>{}</td><td>{}{}</td>\n  <td><ul class="changes">{}</ul></td></tr>\n  '
)
CHANGE = '<li><span class="field-name">{}</span> {}{}</li>'


def _when(value: datetime.datetime | None) -> str:
    """`|date:"Y-m-d H:i"` in the current time zone, as the template shows it."""
    return localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _truncated(text: str, length: int) -> str:
    """`|truncatechars:length`, which returns short text (nearly every value) in NFC form: that
    case without building the filter's lazy Truncator costs a tenth of it."""
    if len(text) <= length:
        return unicodedata.normalize("NFC", text)
    return str(truncatechars(text, length))


def _changes(event: AuditEvent) -> SafeString:
    """One `<li>` per changed value: the field, its old value (not on a creation), its new one."""
    return format_html_join(
        "",
        CHANGE,
        (
            (
                name,
                "" if old is None else format_html("{} → ", _truncated(old, 80)),
                _truncated(new, 120),
            )
            for name, old, new in changes(event)
        ),
    )


def _trail_cells(event: AuditEvent) -> tuple[Any, ...]:
    subject = ""
    if event.object_type != INVOICE:  # a payment, a credit note, an email…
        subject = format_html(' <span class="help">{}</span>', event.object_repr)
    return (
        _when(event.created_at),
        event.actor_label,
        ACTION_LABELS.get(event.action, event.action),
        subject,
        _changes(event),
    )


@register.simple_tag
def trail_rows(events: Iterable[AuditEvent]) -> SafeString:
    """One `<tr>` per event: when, who, what (and on which object), and the values it changed."""
    return format_html_join("", TRAIL_ROW, (_trail_cells(event) for event in events))


# The widget templates whose HTML `_widget` writes: django/forms/widgets/input.html and select.html.
INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "date", "number", "email", "url", "checkbox")
)
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
FIELD = '<div class="field{}">\n  <label for="{}">{}</label>{}\n  {}\n  \n</div>\n'
# A check box comes before its label (web/_field.html), e.g. the payment form's "keep the excess".
CHECK_FIELD = '<div class="field check">\n  {} <label for="{}">{}</label>\n  {}\n  \n</div>\n'


def _attrs(attrs: dict[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html: `name="value"`, a bare name for True, none for False."""
    return format_html_join(
        "",
        " {}{}",
        (
            (name, "" if value is True else format_html('="{}"', value))
            for name, value in attrs.items()
            if value is not False
        ),
    )


def _widget(field: forms.BoundField) -> SafeString | None:
    """The field's widget as `BoundField.as_widget` renders it, or None for a widget whose
    template is not one of those written here."""
    widget = field.field.widget
    if field.field.localize:
        return None
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    context = widget.get_context(field.html_name, field.value(), attrs)["widget"]
    if widget.template_name in INPUTS:
        value = context["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            context["type"],
            context["name"],
            "" if value is None else format_html(' value="{}"', value),
            _attrs(context["attrs"]),
        )
    groups = context["optgroups"] if widget.template_name == SELECT else []
    if not groups or widget.allow_multiple_selected or any(name for name, _, _ in groups):
        return None  # another widget, a multiple choice, or options in groups
    options = [option for _name, group, _index in groups for option in group]
    if any(option["template_name"] != OPTION for option in options):
        return None
    rows = format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>\n',
        ((option["value"], _attrs(option["attrs"]), option["label"]) for option in options),
    )
    return format_html(
        '<select name="{}"{}>{}\n</select>', context["name"], _attrs(context["attrs"]), rows
    )


def _field(field: forms.BoundField) -> SafeString | None:
    """web/_field.html for a field with a label beside its widget, or a check box before it."""
    rendered = _widget(field)
    if rendered is None:
        return None
    help_text = (
        format_html('<div class="help">{}</div>', field.help_text) if field.help_text else ""
    )
    if isinstance(field.field.widget, forms.CheckboxInput):
        return format_html(CHECK_FIELD, rendered, field.id_for_label, field.label, help_text)
    span = " span-2" if field.name == "description" else ""
    return format_html(FIELD, span, field.id_for_label, field.label, rendered, help_text)


@register.simple_tag
def plain_form(form: forms.BaseForm) -> SafeString:
    """web/_form.html for a form shown before any submission (no data, so no errors), of text,
    date and select fields, without a template per widget. "" for any other form: the template
    then renders it the usual way."""
    if form.is_bound or form.hidden_fields():
        return mark_safe("")
    fields = [_field(field) for field in form.visible_fields()]
    if any(field is None for field in fields):
        return mark_safe("")
    rows = format_html_join("", "{}", ((field,) for field in fields))
    return format_html('\n\n<div class="form-grid">\n{}\n</div>\n', rows)
