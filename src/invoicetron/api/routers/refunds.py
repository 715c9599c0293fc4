"""/api/v1/refunds: money paid back to clients, of a payment or of their client credit."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from invoicetron.api.fields import (
    COMMON_ERRORS,
    Date,
    DecimalString,
    Id,
    Input,
    ShortText,
    Text,
    amount,
    error_responses,
)
from invoicetron.api.idempotency import IdempotencyKey, run_once
from invoicetron.api.pagination import Page, PageParams, paginate
from invoicetron.api.routers.common import acting_user, get_or_404, referenced
from invoicetron.api.routers.payments import Method
from invoicetron.billing import services
from invoicetron.billing.models import Payment, Refund

router = Router(tags=["Refunds"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
WRITE_ERRORS = error_responses(*COMMON_ERRORS, 404, 409)


class RefundIn(Input):
    payment_id: Id
    amount: DecimalString = Field(
        examples=["50.00"], description="Above zero, at most what is left of the payment."
    )
    date: Date | None = Field(None, description="Defaults to today (business time zone).")
    method: Method = "bank_transfer"
    reference: ShortText = ""
    notes: Text = ""


class RefundOut(Schema):
    id: int
    client_id: int
    payment_id: int | None = Field(description="Null for a refund of client credit.")
    invoice_id: int | None
    date: datetime.date
    amount: str
    currency: str
    method: Method
    reference: str
    notes: str
    created_at: datetime.datetime


class RefundFilters(PageParams):
    invoice_id: Id | None = None
    client_id: Id | None = None
    date_from: Date | None = None
    date_to: Date | None = None


def refund_out(refund: Refund) -> RefundOut:
    return RefundOut(
        id=refund.pk,
        client_id=refund.client_id,
        payment_id=refund.payment_id,
        invoice_id=refund.invoice_id,
        date=refund.date,
        amount=amount(refund.amount, refund.currency),
        currency=refund.currency,
        method=refund.method,  # type: ignore[arg-type]
        reference=refund.reference,
        notes=refund.notes,
        created_at=refund.created_at,
    )


@router.get("", response={200: Page[RefundOut], **ERRORS})
def list_refunds(request: HttpRequest, filters: Query[RefundFilters]) -> dict[str, Any]:
    refunds = Refund.objects.all()
    if filters.invoice_id is not None:
        refunds = refunds.filter(invoice_id=filters.invoice_id)
    if filters.client_id is not None:
        refunds = refunds.filter(client_id=filters.client_id)
    if filters.date_from is not None:
        refunds = refunds.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        refunds = refunds.filter(date__lte=filters.date_to)
    return paginate(refunds, filters, refund_out)


@router.post("", response={201: RefundOut, **WRITE_ERRORS})
def create_refund(
    request: HttpRequest, payload: RefundIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    """Refund part or all of a payment; the invoice's balance is due again. Refused (422 on
    `amount`) above what is left of the payment."""
    payment = referenced(Payment, payload.payment_id, "payment_id", "payment")

    def refund() -> RefundOut:
        return refund_out(
            services.record_refund(
                payment,  # type: ignore[arg-type]
                amount=payload.amount,
                by=acting_user(request),
                date=payload.date,
                method=payload.method,
                reference=payload.reference,
                notes=payload.notes,
            )
        )

    return run_once(request, idempotency_key, refund, status=201)


@router.get("/{id}", response={200: RefundOut, **ERRORS})
def get_refund(request: HttpRequest, id: Id) -> RefundOut:
    return refund_out(get_or_404(Refund, id, "refund"))


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def delete_refund(request: HttpRequest, id: Id) -> Status:
    """Delete a refund recorded by mistake: the payment (or the credit) counts again."""
    services.delete_refund(get_or_404(Refund, id, "refund"), by=acting_user(request))
    return Status(204, None)
