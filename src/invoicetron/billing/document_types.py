"""Invoices and credit notes as registered documents (billing/documents.py), registered in
BillingConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from invoicetron.billing import pdf
from invoicetron.billing.documents import DocumentType, register
from invoicetron.billing.models import CreditNote, Invoice
from invoicetron.billing.money import format_money
from invoicetron.billing.services import mark_sent
from invoicetron.billing.views.invoices import get_invoice, invoice_context
from invoicetron.web.templatetags.id_urls import id_url


def register_billing_documents() -> None:
    register(
        DocumentType(
            model=Invoice,
            slug="invoice",
            kind="invoice",
            render_pdf=pdf.render_invoice_pdf,
            context=_invoice_context,
            client=lambda invoice: invoice.client,
            can_send=lambda invoice: (
                _("Issue the invoice before sending it.") if invoice.is_draft else None
            ),
            page_url=lambda invoice: id_url("billing:invoice", invoice.pk),
            render_page=lambda request, invoice, status: _invoice_page(request, invoice.pk, status),
            after_send=lambda invoice, user: mark_sent(invoice, by=user),
            invoice_id=lambda invoice: invoice.pk,
            title=pdf.INVOICE_TITLE,
        )
    )
    register(
        DocumentType(
            model=CreditNote,
            slug="credit-note",
            kind="credit_note",
            render_pdf=pdf.render_credit_note_pdf,
            context=_credit_note_context,
            client=lambda note: note.invoice.client,
            can_send=lambda note: None,
            # A credit note is shown on its invoice's page.
            page_url=lambda note: id_url("billing:invoice", note.invoice_id),
            render_page=lambda request, note, status: _invoice_page(
                request, note.invoice_id, status
            ),
            invoice_id=lambda note: note.invoice_id,
            title=pdf.CREDIT_NOTE_TITLE,
        )
    )


def _invoice_page(request: HttpRequest, invoice_id: int, status: int) -> HttpResponse:
    context = invoice_context(request, get_invoice(invoice_id))
    return render(request, "billing/invoices/detail.html", context, status=status)


def _invoice_context(invoice: Invoice, locale: str) -> dict[str, Any]:
    return {
        "number": invoice.number,
        "issue_date": invoice.issue_date,
        "due_date": invoice.due_date,
        "total": format_money(invoice.total, invoice.currency, locale),
        "balance_due": format_money(invoice.balance_due, invoice.currency, locale),
    }


def _credit_note_context(note: CreditNote, locale: str) -> dict[str, Any]:
    return {
        "number": note.number,
        "issue_date": note.issue_date,
        "invoice_number": note.invoice.number,
        "total": format_money(note.total, note.currency, locale),
    }
