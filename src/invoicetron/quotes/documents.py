"""A quote as a document: its PDF, its email's variables, when it can be sent (registered in
billing's registry of document types by quotes/registration.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import pgettext_lazy

from invoicetron.billing import pdf
from invoicetron.billing.money import format_money
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import decision_refusal, quote_snapshot

QUOTE_TITLE = pgettext_lazy("document", "Quote")


def render_quote_pdf(quote: Quote) -> bytes:
    """The quote as sent; a draft's is rendered from its current lines and marked DRAFT."""
    # billing's document PDF: same context, layout, fonts and offline fetcher as an invoice's.
    return pdf.render_document_pdf(
        quote_snapshot(quote),
        template="quotes/pdf/quote.html",
        title=QUOTE_TITLE,
        draft=quote.snapshot is None,
    )


def email_context(quote: Quote, locale: str) -> dict[str, Any]:
    return {
        "number": quote.number,
        "issue_date": quote.issue_date,
        "valid_until": quote.valid_until,
        "total": format_money(quote.total, quote.currency, locale),
    }


def can_send(quote: Quote) -> str | None:
    # Emails and new links ask the client for an answer: only while one can still be given.
    return decision_refusal(quote)
