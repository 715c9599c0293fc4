"""/api/v1/credit-notes: the only way to correct an issued invoice (whole, or some lines)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from invoicetron.api.fields import (
    COMMON_ERRORS,
    Date,
    DecimalString,
    Id,
    Input,
    Text,
    amount,
    error_responses,
    pdf_response,
    plain,
)
from invoicetron.api.idempotency import IdempotencyKey, run_once
from invoicetron.api.pagination import Page, PageParams, paginate
from invoicetron.api.routers.common import acting_user, get_or_404, referenced
from invoicetron.billing import services
from invoicetron.billing.models import CreditNote, Invoice
from invoicetron.billing.pdf import render_credit_note_pdf
from invoicetron.web.downloads import content_disposition

router = Router(tags=["Credit notes"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
PDF_RESPONSE = pdf_response("The credit note as a PDF.")


class CreditLineIn(Input):
    invoice_line_id: Id = Field(description="A line id from GET /api/v1/invoices/{id}.")
    quantity: DecimalString = Field(examples=["1"])


class CreditNoteIn(Input):
    invoice_id: Id
    lines: Annotated[list[CreditLineIn], Field(max_length=200)] | None = Field(
        None, description="Lines and quantities to credit; omit to credit everything left."
    )
    reason: Text = ""
    issue_date: Date | None = None


class CreditNoteLineOut(Schema):
    invoice_line_id: int
    description: str
    quantity: str
    unit: str
    unit_code: str = Field(description="UN/ECE Rec. 20, as the invoice line had it.")
    unit_price: str
    base_quantity: str = Field(description="The unit price is for this many units.")
    amount: str


class CreditNoteOut(Schema):
    id: int
    number: str
    invoice_id: int
    currency: str
    issue_date: datetime.date
    reason: str
    lines: list[CreditNoteLineOut]
    net_total: str
    tax_total: str
    total: str
    created_at: datetime.datetime


class CreditNoteFilters(PageParams):
    invoice_id: Id | None = None
    client_id: Id | None = None
    issue_date_from: Date | None = None
    issue_date_to: Date | None = None


def credit_note_out(note: CreditNote) -> CreditNoteOut:
    currency = note.currency
    # The invoice lines as the note froze them (notes issued before e-invoicing lack the codes).
    frozen = {row["id"]: row for row in (note.snapshot or {}).get("lines", [])}
    return CreditNoteOut(
        id=note.pk,
        number=note.number,
        invoice_id=note.invoice_id,
        currency=currency,
        issue_date=note.issue_date,
        reason=note.reason,
        lines=[
            CreditNoteLineOut(
                invoice_line_id=line.invoice_line_id,
                description=line.description,
                quantity=plain(line.quantity) or "0",
                unit=frozen.get(line.invoice_line_id, {}).get("unit", ""),
                unit_code=frozen.get(line.invoice_line_id, {}).get("unit_code", ""),
                unit_price=plain(line.unit_price) or "0",
                base_quantity=plain(
                    Decimal(frozen.get(line.invoice_line_id, {}).get("base_quantity", "1"))
                )
                or "1",
                amount=amount(line.amount, currency),
            )
            for line in note.lines.all()
        ],
        net_total=amount(note.net_total, currency),
        tax_total=amount(note.tax_total, currency),
        total=amount(note.total, currency),
        created_at=note.created_at,
    )


@router.get("", response={200: Page[CreditNoteOut], **ERRORS})
def list_credit_notes(request: HttpRequest, filters: Query[CreditNoteFilters]) -> dict[str, Any]:
    notes = CreditNote.objects.prefetch_related("lines")
    if filters.invoice_id is not None:
        notes = notes.filter(invoice_id=filters.invoice_id)
    if filters.client_id is not None:
        notes = notes.filter(invoice__client_id=filters.client_id)
    if filters.issue_date_from is not None:
        notes = notes.filter(issue_date__gte=filters.issue_date_from)
    if filters.issue_date_to is not None:
        notes = notes.filter(issue_date__lte=filters.issue_date_to)
    return paginate(notes, filters, credit_note_out)


@router.post("", response={201: CreditNoteOut, **error_responses(*COMMON_ERRORS, 404, 409)})
def create_credit_note(
    request: HttpRequest,
    payload: CreditNoteIn,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    """Issue a credit note (numbered in its own series); it lowers the invoice's balance due.
    Send an `Idempotency-Key` so that a retry after a network error never credits twice."""
    invoice = referenced(Invoice, payload.invoice_id, "invoice_id", "invoice")
    lines = (
        None
        if payload.lines is None
        else [services.CreditLine(line.invoice_line_id, line.quantity) for line in payload.lines]
    )

    def credit() -> CreditNoteOut:
        note = services.create_credit_note(
            invoice,  # type: ignore[arg-type]
            by=acting_user(request),
            lines=lines,
            reason=payload.reason,
            issue_date=payload.issue_date,
        )
        return credit_note_out(note)

    return run_once(request, idempotency_key, credit, status=201)


@router.get("/{id}", response={200: CreditNoteOut, **ERRORS})
def get_credit_note(request: HttpRequest, id: Id) -> CreditNoteOut:
    return credit_note_out(get_or_404(CreditNote, id, "credit note"))


@router.get("/{id}/pdf", response=ERRORS, openapi_extra=PDF_RESPONSE)
def credit_note_pdf(request: HttpRequest, id: Id) -> HttpResponse:
    note = get_or_404(CreditNote, id, "credit note")
    response = HttpResponse(render_credit_note_pdf(note), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"{note.number}.pdf", inline=True)
    return response
