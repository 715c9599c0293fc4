"""The values an email template can use: a fixed set of plain values per kind of message.

Templates never see a model object: `values_for()` flattens the document, its client and the
business profile into strings, numbers and dates, so no template can walk from a value to
another record (`invoice.created_by.password` once put a password hash into a client's email).

- `PLACEHOLDERS[kind]` — (name, what it is) pairs, shown on the template page.
- `names(kind)` — the names a template of that kind may use.
- `values_for(document, *, link, recipients=(), **extra) -> dict` — the values of one email.
- `example_values(kind) -> dict` — the latest sendable document's values (or made-up ones when
  there is none yet), for the template page's preview.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from invoicetron.billing import locales
from invoicetron.billing.models import BusinessProfile, Invoice
from invoicetron.billing.money import format_money
from invoicetron.billing.services import business_today
from invoicetron.messaging import documents
from invoicetron.messaging.models import MessageKind

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

COMMON: tuple[tuple[str, StrOrPromise], ...] = (
    ("business_name", _("your business's name")),
    ("business_email", _("your business's email address")),
    ("business_phone", _("your business's phone number")),
    ("business_website", _("your business's website")),
    ("payment_instructions", _("the payment instructions from the business profile")),
    ("client_name", _("the client's name")),
    ("contact_name", _("the name of the first contact the email goes to")),
    ("number", _("the document's number")),
    ("issue_date", _("the date it was issued")),
    ("total", _("its total, with the currency")),
    ("link", _("the client's own link to the document (empty when there is none)")),
)
PLACEHOLDERS: dict[str, tuple[tuple[str, StrOrPromise], ...]] = {
    MessageKind.INVOICE: (
        *COMMON,
        ("due_date", _("the invoice's due date")),
        ("balance_due", _("what is left to pay, with the currency")),
    ),
    MessageKind.CREDIT_NOTE: (*COMMON, ("invoice_number", _("the number of the credited invoice"))),
    MessageKind.QUOTE: (*COMMON, ("valid_until", _("the last day the quote can be accepted"))),
    MessageKind.REMINDER: (
        *COMMON,
        ("due_date", _("the invoice's due date")),
        ("balance_due", _("what is left to pay, with the currency")),
        ("days", _("days overdue on the day the reminder is queued (negative: days before due)")),
    ),
}
# A value of any other type is turned into text: a template never receives an object.
PLAIN_TYPES = (str, int, Decimal, datetime.date)


def names(kind: str) -> tuple[str, ...]:
    return tuple(name for name, _help in PLACEHOLDERS[kind])


def plain(value: Any) -> Any:
    if value is None:
        return ""
    return value if isinstance(value, PLAIN_TYPES) else str(value)


def document_locale(
    document: models.Model, business: BusinessProfile | None = None
) -> locales.DocumentLocale:
    """The language and locale of an email about `document`: the ones its snapshot froze (an
    issued document), else the client's now (a draft)."""
    snapshot = getattr(document, "snapshot", None)
    if snapshot:
        return locales.of_snapshot(snapshot)
    profile = business if business is not None else BusinessProfile.load()
    return locales.for_client(documents.for_object(document).client(document), profile.locale)


def values_for(
    document: models.Model,
    *,
    link: str,
    recipients: Sequence[str] = (),
    business: BusinessProfile | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Every value an email about `document` can show, as plain values only; amounts written
    the way the document's locale writes them (`document_locale`).

    `recipients`: the addresses it goes to (the first one's contact gives `contact_name`)."""
    document_type = documents.for_object(document)
    profile = business if business is not None else BusinessProfile.load()
    speaks = document_locale(document, profile)
    client = document_type.client(document)
    contacts = [contact for contact in client.contacts.all() if contact.email]
    first = recipients[0] if recipients else (contacts[0].email if contacts else "")
    contact = next((contact for contact in contacts if contact.email == first), None)
    values = {
        "business_name": profile.name,
        "business_email": profile.email,
        "business_phone": profile.phone,
        "business_website": profile.website,
        "payment_instructions": profile.payment_instructions,
        "client_name": client.name,
        "contact_name": (contact.name if contact else "") or client.name,
        "link": link,
        **document_type.context(document, speaks.locale),
        **extra,
    }
    return {name: plain(value) for name, value in values.items()}


EXAMPLE: dict[str, Any] = {
    "business_name": "Your business",
    "business_email": "billing@example.com",
    "business_phone": "+1 555 0100",
    "business_website": "https://example.com",
    "payment_instructions": "Bank transfer to IBAN XX00 0000 0000 0000",
    "client_name": "Example Client Ltd",
    "contact_name": "Alex Example",
    "number": "INV-0001",
    "invoice_number": "INV-0001",
    "total": "100.00",
    "balance_due": "100.00",
    "issue_date": datetime.date(2026, 1, 1),
    "due_date": datetime.date(2026, 1, 31),
    "valid_until": datetime.date(2026, 1, 31),
    "days": 3,
}


def example_values(kind: str, language: str | None = None) -> dict[str, Any]:
    """Values for a preview: the latest document that could be sent (in `language`, when
    given), else made-up ones (their amount in that language's way)."""
    with translation.override(language or translation.get_language()):  # as the email reads
        placeholder = gettext("(the client's own link)")
    link = f"{settings.APP_URL}/p/{placeholder}/"
    label = Invoice._meta.label_lower if kind == MessageKind.REMINDER else None
    found = [
        document_type
        for document_type in documents.REGISTRY.values()
        if document_type.label == label or (label is None and document_type.kind == kind)
    ]
    for document_type in found:
        for document in document_type.model._default_manager.order_by("-pk")[:20]:
            if document_type.can_send(document) is not None:
                continue
            if language is not None and document_locale(document).language != language:
                continue
            values = values_for(document, link=link)
            if kind == MessageKind.REMINDER:
                due = values.get("due_date")
                today = business_today()
                values["days"] = (today - due).days if isinstance(due, datetime.date) else 0
            return values
    amount = format_money(Decimal(100), "EUR", language or BusinessProfile.load().locale)
    return {**EXAMPLE, "total": amount, "balance_due": amount, "link": link}
