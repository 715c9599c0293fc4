"""Subjects and bodies: the defaults, the owner's edited versions, and their rendering.

Templates use a restricted form of Django's template language, as plain text (no HTML escaping):
the placeholders of `placeholders.PLACEHOLDERS` (`{{ client_name }}`, `{{ total }}`…), the
`{% if %}`/`{% elif %}`/`{% else %}` and `{% comment %}` tags and the filters in `FILTERS`.

Why a restricted engine and not str.format: saved templates already use `{% if link %}` and
`{{ days|pluralize }}`, and they keep working. Why restricted: Django's full set of tags can load
libraries, include files, dump the context (`{% debug %}`) or make up text (`{% lorem %}`), and a
dotted name walks from one object to the next (`invoice.created_by.password`). So the engine has
no loader and only the tags and filters listed here, a template may name only its kind's
placeholders (no dots, no other names; checked when it is saved), and the values it gets are
plain strings, numbers and dates in any case.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from django.core.exceptions import ValidationError
from django.template import (
    Context,
    Engine,
    Library,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)
from django.template.base import FilterExpression, Node, NodeList, TextNode, Variable, VariableNode
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from invoicetron.messaging.models import EmailTemplate, MessageKind
from invoicetron.messaging.placeholders import names, plain

logger = logging.getLogger(__name__)

# The built-in subject and body of each kind, translated: a language without the owner's own
# template gets these in its language (`default_template`). Each translation is a template too,
# so it keeps the placeholders and tags (a test renders every one).
# xgettext:no-python-format
DEFAULTS: dict[str, tuple[str | Promise, str | Promise]] = {
    MessageKind.INVOICE: (
        # xgettext:no-python-format
        _("Invoice {{ number }} from {{ business_name }}"),
        # xgettext:no-python-format
        _(
            "Hello {{ client_name }},\n\nPlease find attached invoice {{ number }} for "
            "{{ total }}, due on {{ due_date }}.\n"
            "{% if link %}You can also view it online: {{ link }}\n{% endif %}"
            "\nThank you,\n{{ business_name }}"
        ),
    ),
    MessageKind.CREDIT_NOTE: (
        # xgettext:no-python-format
        _("Credit note {{ number }} from {{ business_name }}"),
        # xgettext:no-python-format
        _(
            "Hello {{ client_name }},\n\nPlease find attached credit note {{ number }} for "
            "{{ total }}, crediting invoice {{ invoice_number }}.\n"
            "{% if link %}You can also view it online: {{ link }}\n{% endif %}"
            "\nKind regards,\n{{ business_name }}"
        ),
    ),
    MessageKind.QUOTE: (
        # xgettext:no-python-format
        _("Quote {{ number }} from {{ business_name }}"),
        # xgettext:no-python-format
        _(
            "Hello {{ client_name }},\n\nPlease find attached our quote {{ number }} for "
            "{{ total }}, valid until {{ valid_until }}.\n"
            "{% if link %}You can view, accept or decline it online: {{ link }}\n{% endif %}"
            "\nKind regards,\n{{ business_name }}"
        ),
    ),
    MessageKind.REMINDER: (
        # xgettext:no-python-format
        _("Reminder: invoice {{ number }} from {{ business_name }}"),
        # xgettext:no-python-format
        _(
            "Hello {{ client_name }},\n\n{% if days < 0 %}This is a friendly reminder that "
            "invoice {{ number }} is due on {{ due_date }}.{% elif days == 0 %}Invoice "
            "{{ number }} is due today.{% else %}Invoice {{ number }} was due on {{ due_date }} "
            "and is {{ days }} day{{ days|pluralize }} overdue.{% endif %} The balance due is "
            "{{ balance_due }}.\n{% if link %}You can view it online: {{ link }}\n{% endif %}"
            "\nThank you,\n{{ business_name }}"
        ),
    ),
}

# Every run of whitespace but the no-break spaces (U+00A0, U+2007, U+202F).
BREAKING_SPACE = re.compile(r"[^\S\u00a0\u2007\u202f]+")
TAGS = ("if", "comment")
FILTERS = (
    "capfirst",
    "date",
    "default",
    "lower",
    "pluralize",
    "title",
    "truncatechars",
    "truncatewords",
    "upper",
    "wordwrap",
    "yesno",
)
SAFE = Library()
SAFE.tag("if", defaulttags.do_if)
SAFE.tag("comment", defaulttags.comment)
for _name in FILTERS:
    SAFE.filter(_name, defaultfilters.register.filters[_name])


class PlainTextEngine(Engine):
    default_builtins: list[str] = []  # noqa: RUF012 - Engine's own class attribute, replaced


# Plain text, no loader (no include, extends or files), and only the tags and filters above.
_ENGINE = PlainTextEngine(autoescape=False, libraries={}, loaders=[])
_ENGINE.template_builtins = [SAFE]


def default_template(kind: str, language: str) -> tuple[str, str]:
    """The built-in (subject, body) of `kind` in `language`."""
    with translation.override(language):
        subject, body = DEFAULTS[kind]
        return str(subject), str(body)


def template_for(kind: str, language: str) -> tuple[str, str]:
    """(subject, body) for `kind` in `language`: the owner's version for that language if
    edited and valid, else the built-in default in that language.

    A template saved before the rules (or written straight to the table) that breaks them is
    not used: the default goes out instead, and the log says why."""
    try:
        subject, body = EmailTemplate.objects.values_list("subject", "body").get(
            kind=kind, language=language
        )
    except EmailTemplate.DoesNotExist:
        return default_template(kind, language)
    try:
        validate_template(kind, subject, body)
    except ValidationError:
        logger.warning(
            "saved email template refused, default used",
            extra={"kind": kind, "language": language},
        )
        return default_template(kind, language)
    return subject, body


# An lru_cache, not settings.CACHES: keyed by the source text itself, so an edit is a new key
# and nothing goes stale; and a compiled Template is a live object the cache framework would
# pickle on every use.
@lru_cache(maxsize=64)
def _compiled(source: str) -> Template:
    """A template compiled once per process and source text: an edited template is new text, so
    it is compiled afresh. Compiled templates keep no state between renders."""
    return _ENGINE.from_string(source)


def render(source: str, context: dict[str, Any]) -> str:
    values = {name: plain(value) for name, value in context.items()}
    # The engine's autoescape=False does not reach a Context built here (Context escapes by
    # default): without saying it again, "O'Brien" was sent as "O&#x27;Brien".
    return _compiled(source).render(Context(values, autoescape=False)).strip()


def render_message(kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    """The email of `kind` in `language`: its template, rendered with that language active (the
    dates of the values are written its way)."""
    subject, body = template_for(kind, language)
    with translation.override(language):
        return render_pair(subject, body, context)


def render_pair(subject: str, body: str, context: dict[str, Any]) -> tuple[str, str]:
    # A subject is one line: a header with a newline in it would be refused by the mail library.
    # The no-break spaces stay: CLDR writes amounts with them (`1 234,50 €`).
    one_line = BREAKING_SPACE.sub(" ", render(subject, context)).strip()
    return one_line, render(body, context) + "\n"


def allowed_text(kind: str) -> str:
    return ", ".join(f"{{{{ {name} }}}}" for name in names(kind))


def validate_template(kind: str, subject: str, body: str) -> None:
    """ValidationError keyed by field when a template does not compile or uses something that
    is not available (a tag, a filter, a name that is not a placeholder, a dotted name)."""
    allowed = set(names(kind))
    hint = (
        f"You can use only these placeholders: {allowed_text(kind)}; the tags "
        "{% if … %}…{% elif … %}…{% else %}…{% endif %} and {% comment %}…{% endcomment %}; "
        f"and the filters {', '.join(FILTERS)}."
    )
    for field, source in (("subject", subject), ("body", body)):
        try:
            template = _compiled(source)
        except TemplateSyntaxError as error:
            raise ValidationError({field: f"{_reason(error)} {hint}"}) from error
        unknown = sorted(set(_unknown_names(template.nodelist, allowed)))
        if unknown:
            listed = ", ".join(f"“{name}”" for name in unknown)
            raise ValidationError({field: f"Not available in emails: {listed}. {hint}"})


def _reason(error: TemplateSyntaxError) -> str:
    text = str(error)
    if text.startswith("Invalid block tag"):
        tag = text.split("'")[1] if "'" in text else "?"
        return f"The tag {{% {tag} %}} is not available in emails."
    if text.startswith("Invalid filter"):
        name = text.split("'")[1] if "'" in text else "?"
        return f"The filter |{name} is not available in emails."
    return f"Template error: {text.rstrip('.')}."


def _unknown_names(nodelist: NodeList, allowed: set[str]) -> Iterator[str]:
    for node in nodelist:
        yield from _node_names(node, allowed)


def _node_names(node: Node, allowed: set[str]) -> Iterator[str]:
    if isinstance(node, TextNode | defaulttags.CommentNode):
        return
    if isinstance(node, VariableNode):
        yield from _expression_names(node.filter_expression, allowed)
    elif isinstance(node, defaulttags.IfNode):
        for condition, nodes in node.conditions_nodelists:
            if condition is not None:
                yield from _condition_names(condition, allowed)
            yield from _unknown_names(nodes, allowed)
    else:  # only the tags above compile; anything else is refused rather than trusted
        yield type(node).__name__


def _condition_names(condition: Any, allowed: set[str]) -> Iterator[str]:
    if isinstance(condition.value, FilterExpression):
        yield from _expression_names(condition.value, allowed)
    for part in (condition.first, condition.second):
        if part is not None:
            yield from _condition_names(part, allowed)


def _expression_names(expression: FilterExpression, allowed: set[str]) -> Iterator[str]:
    variables = [expression.var] + [
        argument
        for _filter, arguments in expression.filters
        for lookup, argument in arguments
        if lookup
    ]
    for variable in variables:
        if not isinstance(variable, Variable) or variable.lookups is None:
            continue  # a literal: "text", 3
        if len(variable.lookups) != 1 or variable.lookups[0] not in allowed:
            yield str(variable.var)
