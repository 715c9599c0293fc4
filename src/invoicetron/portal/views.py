"""The client's side of a public link: one document, its PDF, and a quote's decision.

No sign-in, no navigation, nothing but the linked document. Unknown, malformed and revoked
tokens all answer the same 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from invoicetron.billing import pdf
from invoicetron.messaging import documents
from invoicetron.portal.models import PublicLink
from invoicetron.portal.services import open_link, record_view


def _opened(token: str) -> tuple[PublicLink, Any]:
    opened = open_link(token)
    if opened is None:
        raise Http404("This link does not exist or was revoked.")
    return opened


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"  # the token never leaves in a Referer header
    return response


@never_cache
@require_GET
def document_page(request: HttpRequest, token: str) -> HttpResponse:
    link, document = _opened(token)
    record_view(link, document, "page")
    snapshot = document.snapshot or {}
    title = document._meta.verbose_name.capitalize()
    context = {
        "token": token,
        "document": document,
        "doc": pdf._document_context(snapshot, title=title, draft=False),
        "is_quote": link.document_type == "quotes.quote",
        "error": request.GET.get("error", ""),
    }
    return _private(render(request, "portal/document.html", context))


@never_cache
@require_GET
def document_pdf(request: HttpRequest, token: str) -> HttpResponse:
    link, document = _opened(token)
    record_view(link, document, "pdf")
    content = documents.by_label(link.document_type).render_pdf(document)
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"{link.document_label}.pdf".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _private(response)


@never_cache
@require_POST
def decide(request: HttpRequest, token: str, decision: str) -> HttpResponse:
    from invoicetron.quotes.services import accept_quote, decline_quote

    link, document = _opened(token)
    if link.document_type != "quotes.quote" or decision not in ("accept", "decline"):
        raise Http404("Nothing to decide here.")
    act = accept_quote if decision == "accept" else decline_quote
    try:
        act(document, by=None, via=f"link {link.pk}")
    except ValidationError:
        return redirect(f"{request.path.rsplit('/', 2)[0]}/?error=decided")
    return redirect("portal:document", token=token)
