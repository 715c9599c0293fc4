"""/api/v1/invoices: drafts with their lines, issuing, sending, PDFs."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Body, Query, Router, Status

from invoicetron.api.fields import COMMON_ERRORS, Id, error_responses, pdf_response
from invoicetron.api.idempotency import IdempotencyKey, run_once
from invoicetron.api.pagination import Page, paginate, updated_since
from invoicetron.api.routers.common import acting_user, get_or_404
from invoicetron.api.routers.invoice_io import (
    SUMMARY_COLUMNS,
    InvoiceFilters,
    InvoiceIn,
    InvoiceOut,
    InvoicePatch,
    InvoiceSummaryOut,
    IssueIn,
    draft_values,
    invoice_out,
    row_summary,
)
from invoicetron.billing import services
from invoicetron.billing.caching import billing_count, change_marker, key_of, while_unchanged
from invoicetron.billing.models import Invoice, kept_business_today
from invoicetron.billing.pdf import render_invoice_pdf
from invoicetron.web.downloads import content_disposition

router = Router(tags=["Invoices"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
WRITE_ERRORS = error_responses(*COMMON_ERRORS, 404, 409)
# Fields a PATCH may set to null; for the others, null means "unchanged".
NULLABLE = frozenset({"issue_date", "due_date"})
PDF_RESPONSE = pdf_response("The invoice as a PDF (a draft is marked DRAFT).")


def _invoice(pk: int) -> Invoice:
    return get_or_404(Invoice.objects.select_related("client"), pk, "invoice")


@router.get("", response={200: Page[InvoiceSummaryOut], **ERRORS})
def list_invoices(request: HttpRequest, filters: Query[InvoiceFilters]) -> Page[InvoiceSummaryOut]:
    """Invoices without their lines (GET one for lines and the tax breakdown), by id."""
    # One read of billing's change marker serves the date, the count and the page itself: the
    # page is reused while billing data is unchanged (billing.caching), a copy for each request.
    marker = change_marker()
    today = kept_business_today(marker)
    # Dicts of the summary's columns, not models: see SUMMARY_COLUMNS.
    rows = Invoice.objects.values(*SUMMARY_COLUMNS)
    invoices = updated_since(rows, filters.updated_since)
    if filters.status is not None:
        invoices = invoices.filter(status=filters.status)
    if filters.client_id is not None:
        invoices = invoices.filter(client_id=filters.client_id)
    if filters.issue_date_from is not None:
        invoices = invoices.filter(issue_date__gte=filters.issue_date_from)
    if filters.issue_date_to is not None:
        invoices = invoices.filter(issue_date__lte=filters.issue_date_to)
    if filters.overdue is not None:
        overdue = Invoice.objects.overdue(today).values("pk")
        invoices = (
            invoices.filter(pk__in=overdue) if filters.overdue else invoices.exclude(pk__in=overdue)
        )
    page = while_unchanged(
        key_of("api-invoices", filters.model_dump(), today),
        lambda: paginate(
            invoices,
            filters,
            lambda row: _summary(row, today),
            count=lambda rows: billing_count(rows, marker),
        ),
        marker,
    )
    return Page[InvoiceSummaryOut].model_construct(**page)


def _summary(row: dict[str, Any], today: datetime.date) -> InvoiceSummaryOut:
    # Built without validation: the values come from typed columns through row_summary, and
    # ninja only dumps a response that is already its schema (validating a page of 50 cost about
    # 1 ms). tests/api/test_invoices.py checks the list against the schema and the single GET.
    return InvoiceSummaryOut.model_construct(**row_summary(row, today))


@router.post("", response={201: InvoiceOut, **WRITE_ERRORS})
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> Status:
    """Create a draft with its lines. Totals are computed by the server, never sent."""
    values = draft_values(payload.model_dump())
    invoice = services.create_draft(by=acting_user(request), **values)
    return Status(201, invoice_out(invoice))


@router.get("/{id}", response={200: InvoiceOut, **ERRORS})
def get_invoice(request: HttpRequest, id: Id) -> InvoiceOut:
    return invoice_out(_invoice(id))


@router.patch("/{id}", response={200: InvoiceOut, **WRITE_ERRORS})
def update_invoice(request: HttpRequest, id: Id, payload: InvoicePatch) -> InvoiceOut:
    """Change a draft; `lines`, when sent, replaces all lines. Issued invoices answer 409."""
    invoice = _invoice(id)
    sent = payload.model_dump(exclude_unset=True)
    values = {k: v for k, v in sent.items() if v is not None or k in NULLABLE}
    updated = services.update_draft(invoice, by=acting_user(request), **draft_values(values))
    return invoice_out(updated)


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def delete_invoice(request: HttpRequest, id: Id) -> Status:
    """Delete a draft (it burns no number). Issued invoices are never deleted (409)."""
    services.delete_draft(_invoice(id), by=acting_user(request))
    return Status(204, None)


@router.post("/{id}/issue", response={200: InvoiceOut, **WRITE_ERRORS})
def issue_invoice(
    request: HttpRequest,
    id: Id,
    idempotency_key: IdempotencyKey = None,
    payload: Annotated[IssueIn | None, Body(None)] = None,
) -> HttpResponse:
    """Give the draft the next number of its series and freeze it. Send an `Idempotency-Key`
    so that a retry after a network error cannot issue twice."""
    invoice = _invoice(id)
    options = payload or IssueIn.model_validate({})

    def issue() -> InvoiceOut:
        issued = services.issue_invoice(
            invoice,
            by=acting_user(request),
            issue_date=options.issue_date,
            exchange_rate=options.exchange_rate,
        )
        return invoice_out(issued)

    return run_once(request, idempotency_key, issue)


@router.post("/{id}/mark-sent", response={200: InvoiceOut, **WRITE_ERRORS})
def mark_invoice_sent(request: HttpRequest, id: Id) -> InvoiceOut:
    """Record that the invoice went to the client (by email or otherwise)."""
    return invoice_out(services.mark_sent(_invoice(id), by=acting_user(request)))


@router.get("/{id}/pdf", response=ERRORS, openapi_extra=PDF_RESPONSE)
def invoice_pdf(request: HttpRequest, id: Id) -> HttpResponse:
    invoice = _invoice(id)
    response = HttpResponse(render_invoice_pdf(invoice), content_type="application/pdf")
    name = invoice.number or f"draft-{invoice.pk}"
    response["Content-Disposition"] = content_disposition(f"{name}.pdf", inline=True)
    return response
