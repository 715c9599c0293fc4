"""The e-invoice files of an issued invoice or credit note: what the downloads, the API and the
emails send.

- `Format` (ubl, cii, facturx) and `Profile` (en16931, xrechnung): what a file is written as.
  `en16931` is Peppol BIS Billing 3.0 in UBL and the EN 16931 profile in CII; `xrechnung` is
  XRechnung 3.0 in either (it needs the buyer reference, BT-10).
- `einvoice_file(document, format, profile) -> EInvoiceFile` — its name, bytes and content type;
  EInvoiceError when the document is a draft or lacks what EN 16931 needs (the message says
  what to fill in). Factur-X is the document's PDF with the CII XML inside (`facturx.attach`).
- `email_attachments(document, filename, pdf)` — what an email about `document` attaches, as the
  business profile's default format chooses: the PDF; the Factur-X PDF (from the PDF/A-3
  rendering) in its place; or the PDF and the UBL XML. Other documents (quotes) and the plain
  format keep the PDF alone.
- `email_refusal(document) -> str` — why such an email cannot go ("" when it can), checked before
  it is sent so that a document without the e-invoice data is not retried in vain.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext, gettext_noop

from invoicetron.billing.models import BusinessProfile, CreditNote, EInvoiceFormat, Invoice
from invoicetron.billing.pdf import render_credit_note_pdf, render_invoice_pdf
from invoicetron.einvoicing import cii, facturx, ubl
from invoicetron.einvoicing.build import from_credit_note, from_invoice
from invoicetron.einvoicing.document import EInvoice
from invoicetron.einvoicing.errors import EInvoiceError

XML = "application/xml"
PDF = "application/pdf"


class Format(StrEnum):
    UBL = "ubl"
    CII = "cii"
    FACTURX = "facturx"


class Profile(StrEnum):
    EN16931 = "en16931"
    XRECHNUNG = "xrechnung"


# What each writer calls the profiles.
UBL_PROFILES = {Profile.EN16931: "peppol", Profile.XRECHNUNG: "xrechnung"}
CII_PROFILES = {Profile.EN16931: "en16931", Profile.XRECHNUNG: "xrechnung"}


@dataclass(frozen=True)
class EInvoiceFile:
    filename: str
    content: bytes
    content_type: str


Document = Invoice | CreditNote


def einvoice(document: Document) -> EInvoice:
    """The EN 16931 form of an issued invoice or credit note (einvoicing.build)."""
    if isinstance(document, CreditNote):
        return from_credit_note(document)
    return from_invoice(document)


def einvoice_file(
    document: Document, format: Format, profile: Profile = Profile.EN16931
) -> EInvoiceFile:
    doc = einvoice(document)
    if profile is Profile.XRECHNUNG and not doc.buyer_reference:
        raise EInvoiceError(
            gettext_noop(
                "XRechnung needs the buyer reference (BT-10, the Leitweg-ID of German public "
                "buyers), and %(number)s was issued without one: enter it in the invoice's Buyer "
                "reference (or the client's, which new invoices take) before issuing."
            ),
            number=doc.number,
        )
    name = doc.number.replace("/", "-")
    if format is Format.UBL:
        return EInvoiceFile(f"{name}.xml", ubl.write(doc, UBL_PROFILES[profile]), XML)
    if format is Format.CII:
        return EInvoiceFile(f"{name}.cii.xml", cii.write(doc, CII_PROFILES[profile]), XML)
    return EInvoiceFile(f"{name}.pdf", facturx.attach(_pdf(document), doc), PDF)


def _pdf(document: Document) -> bytes:
    """The PDF/A-3 a Factur-X file is made from (the plain PDF is not PDF/A)."""
    if isinstance(document, CreditNote):
        return render_credit_note_pdf(document, pdf_variant=facturx.PDF_VARIANT)
    return render_invoice_pdf(document, pdf_variant=facturx.PDF_VARIANT)


def _email_format(document: Any) -> str:
    if not isinstance(document, Invoice | CreditNote):
        return EInvoiceFormat.PDF
    return BusinessProfile.load().einvoice_format


def email_refusal(document: Any) -> str:
    """In the active language: the page's when a user sends, English for the worker's record."""
    if _email_format(document) == EInvoiceFormat.PDF:
        return ""
    try:
        einvoice(document)
    except EInvoiceError as error:
        return gettext("Not sent as an e-invoice: %(reason)s") % {"reason": error.translated()}
    return ""


def email_attachments(document: Any, filename: str, pdf: bytes) -> list[EInvoiceFile]:
    chosen = _email_format(document)
    if chosen == EInvoiceFormat.FACTURX:
        return [EInvoiceFile(filename, facturx.attach(_pdf(document), einvoice(document)), PDF)]
    attachments = [EInvoiceFile(filename, pdf, PDF)]
    if chosen == EInvoiceFormat.UBL:
        attachments.append(einvoice_file(document, Format.UBL))
    return attachments
