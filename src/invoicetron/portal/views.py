"""The client's side of a public link: one document, its PDF, and a quote's decision.

No sign-in, no navigation, nothing but the linked document. Unknown, malformed and revoked
tokens all answer the same 404. A document type with a client decision (a quote: see
billing/documents.py) takes the client's answer. Every figure on the page is billing's, read
from the document's frozen snapshot (`billing.pdf.document_context`) and, for an invoice, its
live settlement.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from invoicetron.billing import documents, locales, pdf
from invoicetron.billing.models import Invoice
from invoicetron.portal.models import PublicLink
from invoicetron.portal.services import open_link, record_view
from invoicetron.web.downloads import content_disposition

# Same-origin requests keep their Referer and Origin (Django's CSRF check compares the Origin
# of the decision's POST; under "no-referrer" Chromium sends `Origin: null` and the check fails),
# while a request to any other site carries no Referer at all: the token stays on our origin.
REFERRER_POLICY = "same-origin"


def _opened(token: str) -> tuple[PublicLink, Any]:
    opened = open_link(token)
    if opened is None:
        raise Http404("This link does not exist or was revoked.")
    return opened


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = REFERRER_POLICY
    return response


def _page(
    request: HttpRequest,
    token: str,
    link: PublicLink,
    document: Any,
    *,
    refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    document_type = documents.by_label(link.document_type)
    title = document_type.title or document._meta.verbose_name.capitalize()
    decision = document_type.decision
    snapshot = document.snapshot or {}
    # The page speaks the document's language (the client's, frozen at issue), not the visitor's
    # browser's: it is the document, as the PDF and the email say it.
    with locales.speaking(locales.of_snapshot(snapshot)):
        context: dict[str, Any] = {
            "token": token,
            "document": document,
            "doc": pdf.document_context(snapshot, title=title),
            "asks_decision": decision is not None,
            "settlement": (
                pdf.settlement_context(document) if isinstance(document, Invoice) else None
            ),
            # A decision refused because one was already given (or the quote ran out): say so.
            "refused": refused,
        }
        if decision is not None:
            context["refusal"] = decision.refusal(document)
            context["decided_on"] = decision.decided_on(document)
        return _private(render(request, "portal/document.html", context, status=status))


@never_cache
@require_GET
def document_page(request: HttpRequest, token: str) -> HttpResponse:
    link, document = _opened(token)
    record_view(link, document, "page")
    return _page(request, token, link, document)


@never_cache
@require_GET
def document_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link, document = _opened(token)
    record_view(link, document, "pdf")
    content = documents.by_label(link.document_type).render_pdf(document)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{link.document_label}.pdf")
    return _private(response)


@never_cache
@require_POST
def decide(request: HttpRequest, token: str, decision: str) -> HttpResponse:
    link, document = _opened(token)
    asked = documents.by_label(link.document_type).decision
    if asked is None or decision not in ("accept", "decline"):
        raise Http404("Nothing to decide here.")
    act = asked.accept if decision == "accept" else asked.decline
    try:
        act(document, by=None, via=f"link {link.pk}")
    except ValidationError:
        # Already decided (through this link, another, or by the owner) or expired: the
        # document again, saying what happened, and nothing changed. 409: the answer conflicts.
        document.refresh_from_db()
        return _page(request, token, link, document, refused=True, status=409)
    return _private(redirect("portal:document", token=token))
