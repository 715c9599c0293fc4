"""Subjects and bodies: the defaults, the owner's edited versions, and their rendering.

Templates use Django's template language without HTML escaping (the emails are plain text):
`{{ number }}`, `{{ client.name }}`, `{{ business.name }}`, `{{ total }}`, `{{ due_date }}`,
`{{ balance_due }}`, `{{ link }}` (the client's public link) and, for reminders, `{{ days }}`
(how many days overdue the invoice is on the day the reminder is queued; negative: days before
its due date).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.template import Context, Engine, Template, TemplateSyntaxError

from invoicetron.messaging.models import EmailTemplate, MessageKind

DEFAULTS: dict[str, tuple[str, str]] = {
    MessageKind.INVOICE: (
        "Invoice {{ number }} from {{ business.name }}",
        "Hello {{ client.name }},\n\nPlease find attached invoice {{ number }} for {{ total }}, "
        "due on {{ due_date }}.\n{% if link %}You can also view it online: {{ link }}\n{% endif %}"
        "\nThank you,\n{{ business.name }}",
    ),
    MessageKind.CREDIT_NOTE: (
        "Credit note {{ number }} from {{ business.name }}",
        "Hello {{ client.name }},\n\nPlease find attached credit note {{ number }} for "
        "{{ total }}, crediting invoice {{ invoice_number }}.\n"
        "{% if link %}You can also view it online: {{ link }}\n{% endif %}"
        "\nKind regards,\n{{ business.name }}",
    ),
    MessageKind.QUOTE: (
        "Quote {{ number }} from {{ business.name }}",
        "Hello {{ client.name }},\n\nPlease find attached our quote {{ number }} for {{ total }}, "
        "valid until {{ valid_until }}.\n"
        "{% if link %}You can view, accept or decline it online: {{ link }}\n{% endif %}"
        "\nKind regards,\n{{ business.name }}",
    ),
    MessageKind.REMINDER: (
        "Reminder: invoice {{ number }} from {{ business.name }}",
        "Hello {{ client.name }},\n\n{% if days < 0 %}This is a friendly reminder that invoice "
        "{{ number }} is due on {{ due_date }}.{% elif days == 0 %}Invoice {{ number }} is due "
        "today.{% else %}Invoice {{ number }} was due on {{ due_date }} and is {{ days }} "
        "day{{ days|pluralize }} overdue.{% endif %} The balance due is {{ balance_due }}.\n"
        "{% if link %}You can view it online: {{ link }}\n{% endif %}"
        "\nThank you,\n{{ business.name }}",
    ),
}

# Plain text: no HTML escaping, and no access to anything but the context given.
_ENGINE = Engine(autoescape=False, libraries={}, builtins=["django.template.defaulttags"])


def template_for(kind: str) -> tuple[str, str]:
    """(subject, body) for `kind`: the owner's version if edited, else the default."""
    try:
        return EmailTemplate.objects.values_list("subject", "body").get(kind=kind)
    except EmailTemplate.DoesNotExist:
        return DEFAULTS[kind]


@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    """A template compiled once per process and source text: an edited template is new text, so
    it is compiled afresh. Compiled templates keep no state between renders."""
    return _ENGINE.from_string(source)


def render(source: str, context: dict[str, Any]) -> str:
    # The engine's autoescape=False does not reach a Context built here (Context escapes by
    # default): without saying it again, "O'Brien" was sent as "O&#x27;Brien".
    return _compiled(source).render(Context(context, autoescape=False)).strip()


def render_message(kind: str, context: dict[str, Any]) -> tuple[str, str]:
    subject, body = template_for(kind)
    # A subject is one line: a header with a newline in it would be refused by the mail library.
    return " ".join(render(subject, context).split()), render(body, context) + "\n"


def validate_template(subject: str, body: str) -> None:
    """ValidationError keyed by field when a template does not compile."""
    for field, source in (("subject", subject), ("body", body)):
        try:
            _ENGINE.from_string(source)
        except TemplateSyntaxError as error:
            raise ValidationError({field: f"Template error: {error}"}) from error
