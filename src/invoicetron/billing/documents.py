"""The registry of document types: how the apps above billing handle a kind of document they do
not import.

Billing registers its invoices and credit notes, and each app above it registers its own types
(quotes) in its `AppConfig.ready()`. Messaging emails and the portal shares any registered type by
looking it up here. This is the one wiring point between the apps: a lower app never imports an
upper one, not even inside a function (docs/architecture.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class ClientDecision:
    """What the client can answer through a public link (a quote: accept or decline)."""

    accept: Callable[..., object]  # (document, *, by, via): a ValidationError when refused
    decline: Callable[..., object]
    refusal: Callable[[Any], str | None]  # None while an answer can be given, else why not
    decided_on: Callable[[Any], datetime.date | None]


@dataclass(frozen=True)
class DocumentType:
    model: type[models.Model]
    slug: str  # names the type in URLs: `invoice`, `credit-note`, `quote`
    kind: str  # the messaging.MessageKind of its email
    render_pdf: Callable[[Any], bytes]
    # Template variables besides `business`, `client` and `link`: number, total, due date…,
    # amounts written the way the CLDR locale given writes them: (document, locale).
    context: Callable[[Any, str], dict[str, Any]]
    client: Callable[[Any], Any]
    can_send: Callable[[Any], str | None]  # None, or why it cannot be sent
    page_url: Callable[[Any], str]  # the page the document is shown on
    # That page as the answer to a form posted elsewhere (a refused email, a new link): (request,
    # document, status).
    render_page: Callable[[HttpRequest, Any, int], HttpResponse]
    after_send: Callable[[Any, Any], object] | None = None  # (document, user) once delivered
    invoice_id: Callable[[Any], int | None] = lambda document: None
    decision: ClientDecision | None = None
    # Its name as printed on it and on the public page, translatable: pgettext_lazy("document", …).
    title: Any = ""

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    def load(self, pk: int) -> Any:
        return self.model._default_manager.get(pk=pk)


REGISTRY: dict[str, DocumentType] = {}


def register(document_type: DocumentType) -> None:
    REGISTRY[document_type.label] = document_type


def for_object(document: models.Model) -> DocumentType:
    return REGISTRY[document._meta.label_lower]


def by_label(label: str) -> DocumentType:
    return REGISTRY[label]


def by_slug(slug: str) -> DocumentType | None:
    return next((known for known in REGISTRY.values() if known.slug == slug), None)
