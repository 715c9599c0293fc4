"""/api/v1/invoices/{id}/ubl|cii|facturx and the same for credit notes: EN 16931 e-invoices.

Mounted beside the invoice and credit-note routers, under their prefixes. A draft answers 409
(it has no number and may still change); an issued document without the data EN 16931 needs
answers 422 with what to fill in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router

from invoicetron.api.errors import ApiError
from invoicetron.api.fields import COMMON_ERRORS, Id, Input, error_responses
from invoicetron.api.routers.common import get_or_404
from invoicetron.billing.models import CreditNote, Invoice
from invoicetron.einvoicing.errors import EInvoiceError
from invoicetron.einvoicing.files import Document, Format, Profile, einvoice_file
from invoicetron.web.downloads import content_disposition

invoice_router = Router(tags=["E-invoices"])
credit_note_router = Router(tags=["E-invoices"])
ERRORS = error_responses(*COMMON_ERRORS, 404, 409)


class ProfileQuery(Input):
    profile: Profile = Field(
        Profile.EN16931,
        description="en16931: Peppol BIS Billing 3.0 (UBL) or the EN 16931 profile (CII); "
        "xrechnung: XRechnung 3.0, which needs the buyer reference (BT-10).",
    )


def _file_response(description: str, content_type: str) -> dict[str, Any]:
    schema = {"type": "string", "format": "binary"}
    return {
        "responses": {
            200: {"description": description, "content": {content_type: {"schema": schema}}}
        }
    }


UBL = _file_response("UBL 2.1 XML (Invoice or CreditNote).", "application/xml")
CII = _file_response("UN/CEFACT CII D16B XML.", "application/xml")
FACTURX = _file_response("The PDF with the CII XML embedded (Factur-X/ZUGFeRD).", "application/pdf")


def download(document: Document, format: Format, profile: Profile) -> HttpResponse:
    if isinstance(document, Invoice) and document.is_draft:
        raise ApiError(
            409,
            "Issue the invoice first: a draft has no number and may still change.",
            code="not_issued",
        )
    try:
        file = einvoice_file(document, format, profile)
    except EInvoiceError as error:
        raise ApiError(422, error.message, code="einvoice_incomplete") from error
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition(file.filename)
    return response


def _invoice(pk: int) -> Invoice:
    return get_or_404(Invoice.objects.select_related("client"), pk, "invoice")


def _credit_note(pk: int) -> CreditNote:
    return get_or_404(CreditNote.objects.select_related("invoice"), pk, "credit note")


def _xml_view(load: Callable[[int], Document], format: Format) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, id: Id, query: Query[ProfileQuery]) -> HttpResponse:
        return download(load(id), format, query.profile)

    return view


def _pdf_view(load: Callable[[int], Document]) -> Callable[..., HttpResponse]:
    def view(request: HttpRequest, id: Id) -> HttpResponse:
        return download(load(id), Format.FACTURX, Profile.EN16931)

    return view


for router, load, kind in (
    (invoice_router, _invoice, "invoice"),
    (credit_note_router, _credit_note, "credit note"),
):
    ids = kind.replace(" ", "_")
    for format, openapi, what in (
        (Format.UBL, UBL, "UBL 2.1 (Peppol BIS Billing 3.0 or XRechnung)"),
        (Format.CII, CII, "UN/CEFACT CII (EN 16931 or XRechnung)"),
    ):
        router.get(
            f"/{{id}}/{format}",
            response=ERRORS,
            openapi_extra=openapi,
            operation_id=f"{ids}_{format}",
            summary=f"The {kind} as {format.upper()}",
            description=f"The issued {kind} as {what}.",
        )(_xml_view(load, format))
    router.get(
        "/{id}/facturx",
        response=ERRORS,
        openapi_extra=FACTURX,
        operation_id=f"{ids}_facturx",
        summary=f"The {kind} as Factur-X",
        description=f"The issued {kind}'s PDF with its CII XML inside (Factur-X EN 16931).",
    )(_pdf_view(load))
