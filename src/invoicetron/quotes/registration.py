"""Quotes in billing's registry of document types (billing/documents.py), from QuotesConfig.ready():
messaging emails them, the portal shares them and takes the client's answer."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from invoicetron.billing.documents import ClientDecision, DocumentType, register
from invoicetron.quotes.documents import QUOTE_TITLE, can_send, email_context, render_quote_pdf
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import accept_quote, decided_on, decision_refusal, decline_quote
from invoicetron.quotes.views import quote_page


def register_quotes() -> None:
    register(
        DocumentType(
            model=Quote,
            slug="quote",
            kind="quote",
            render_pdf=render_quote_pdf,
            context=email_context,
            client=lambda quote: quote.client,
            can_send=can_send,
            page_url=lambda quote: reverse("quotes:detail", args=[quote.pk]),
            render_page=_page,
            title=QUOTE_TITLE,
            decision=ClientDecision(
                accept=accept_quote,
                decline=decline_quote,
                refusal=decision_refusal,
                decided_on=decided_on,
            ),
        )
    )


def _page(request: HttpRequest, quote: Quote, status: int) -> HttpResponse:
    return quote_page(request, quote, status=status)
