"""Downloads of an issued invoice's or credit note's e-invoice: UBL, CII, Factur-X PDF.

A document that cannot be one (a draft, or data EN 16931 needs is missing) sends the user back to
its page with the reason and what to fill in.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from invoicetron.billing.models import CreditNote, Invoice
from invoicetron.einvoicing.errors import EInvoiceError
from invoicetron.einvoicing.files import Document, Format, einvoice_file
from invoicetron.web.downloads import content_disposition
from invoicetron.web.permissions import member_required


def _download(request: HttpRequest, document: Document, format: str, page: str) -> HttpResponse:
    try:
        file = einvoice_file(document, Format(format))
    except EInvoiceError as error:
        messages.error(request, error.translated())
        return redirect(page)
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition(file.filename)
    return response


@member_required
def invoice_file(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    invoice = get_object_or_404(Invoice.objects.select_related("client"), pk=pk)
    return _download(request, invoice, format, reverse("billing:invoice", args=[pk]))


@member_required
def credit_note_file(request: HttpRequest, pk: int, format: str) -> HttpResponse:
    note = get_object_or_404(CreditNote.objects.select_related("invoice"), pk=pk)
    return _download(request, note, format, reverse("billing:invoice", args=[note.invoice_id]))
