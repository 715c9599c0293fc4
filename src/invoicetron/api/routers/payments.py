"""/api/v1/payments: money received against issued invoices."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from invoicetron.api.fields import (
    COMMON_ERRORS,
    Date,
    DecimalString,
    Id,
    Input,
    Text,
    amount,
    error_responses,
)
from invoicetron.api.idempotency import IdempotencyKey, run_once
from invoicetron.api.pagination import Page, PageParams, paginate
from invoicetron.api.routers.common import acting_user, get_or_404, referenced
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, Payment

router = Router(tags=["Payments"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
WRITE_ERRORS = error_responses(*COMMON_ERRORS, 404, 409)
Method = Literal["bank_transfer", "card", "cash", "cheque", "direct_debit", "online", "other"]


class PaymentIn(Input):
    invoice_id: Id
    amount: DecimalString = Field(
        examples=["120.00"],
        description="Above zero, at most the balance due unless keep_excess_as_credit.",
    )
    date: Date | None = Field(None, description="Defaults to today (business time zone).")
    method: Method = "bank_transfer"
    reference: Annotated[str, StringConstraints(max_length=200)] = ""
    notes: Text = ""
    keep_excess_as_credit: bool = Field(
        False, description="Record a payment above the balance due: the excess is client credit."
    )


class PaymentOut(Schema):
    id: int
    invoice_id: int
    date: datetime.date
    amount: str
    currency: str
    method: Method
    reference: str
    notes: str
    created_at: datetime.datetime
    invoice_status: str = Field(description="The invoice's status after this payment.")
    invoice_balance_due: str


class PaymentFilters(PageParams):
    invoice_id: Id | None = None
    client_id: Id | None = None
    date_from: Date | None = None
    date_to: Date | None = None


def payment_out(payment: Payment) -> PaymentOut:
    invoice = payment.invoice
    return PaymentOut(
        id=payment.pk,
        invoice_id=payment.invoice_id,
        date=payment.date,
        amount=amount(payment.amount, invoice.currency),
        currency=invoice.currency,
        method=payment.method,  # type: ignore[arg-type]
        reference=payment.reference,
        notes=payment.notes,
        created_at=payment.created_at,
        invoice_status=invoice.status,
        invoice_balance_due=amount(invoice.balance_due, invoice.currency),
    )


@router.get("", response={200: Page[PaymentOut], **ERRORS})
def list_payments(request: HttpRequest, filters: Query[PaymentFilters]) -> dict[str, Any]:
    payments = Payment.objects.select_related("invoice")
    if filters.invoice_id is not None:
        payments = payments.filter(invoice_id=filters.invoice_id)
    if filters.client_id is not None:
        payments = payments.filter(invoice__client_id=filters.client_id)
    if filters.date_from is not None:
        payments = payments.filter(date__gte=filters.date_from)
    if filters.date_to is not None:
        payments = payments.filter(date__lte=filters.date_to)
    return paginate(payments, filters, payment_out)


@router.post("", response={201: PaymentOut, **WRITE_ERRORS})
def create_payment(
    request: HttpRequest,
    payload: PaymentIn,
    idempotency_key: IdempotencyKey = None,
) -> HttpResponse:
    """Record a payment; the invoice becomes partially paid or paid. Send an `Idempotency-Key`
    so that a retry after a network error never records the payment twice."""
    invoice = referenced(Invoice, payload.invoice_id, "invoice_id", "invoice")

    def pay() -> PaymentOut:
        payment = services.record_payment(
            invoice,  # type: ignore[arg-type]
            amount=payload.amount,
            by=acting_user(request),
            date=payload.date,
            method=payload.method,
            reference=payload.reference,
            notes=payload.notes,
            keep_excess_as_credit=payload.keep_excess_as_credit,
        )
        return payment_out(Payment.objects.select_related("invoice").get(pk=payment.pk))

    return run_once(request, idempotency_key, pay, status=201)


@router.get("/{id}", response={200: PaymentOut, **ERRORS})
def get_payment(request: HttpRequest, id: Id) -> PaymentOut:
    return payment_out(get_or_404(Payment.objects.select_related("invoice"), id, "payment"))


@router.delete("/{id}", response={204: None, **WRITE_ERRORS})
def delete_payment(request: HttpRequest, id: Id) -> Status:
    """Delete a payment recorded by mistake; the invoice's balance goes back up."""
    services.delete_payment(get_or_404(Payment, id, "payment"), by=acting_user(request))
    return Status(204, None)
