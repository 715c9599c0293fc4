"""/api/v1 deposit invoices: asked of an invoice draft (an order) or a quote, and the final
invoice that deducts them (billing.services.deposits, quotes.services)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from invoicetron.api.fields import COMMON_ERRORS, Id, error_responses
from invoicetron.api.routers.common import acting_user, get_or_404
from invoicetron.api.routers.invoice_io import InvoiceOut, invoice_out
from invoicetron.billing.models import Invoice, InvoiceKind
from invoicetron.billing.services.deducting import deductions_of
from invoicetron.billing.services.deposits import (
    deduct_deposits,
    deduct_order_deposits,
    deposit_for_draft,
)
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import convert_to_invoice, request_deposit

invoice_router = Router(tags=["Deposit invoices"])
quote_router = Router(tags=["Deposit invoices"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
WRITE_ERRORS = error_responses(*COMMON_ERRORS, 404, 409)


class DepositIn(Schema):
    """Give `percent` or `amount`, not both."""

    percent: Decimal | None = Field(
        None, description="Percent of the total (above 0, at most 100).", examples=["30"]
    )
    amount: Decimal | None = Field(
        None, description="An amount of the total, tax included.", examples=["500.00"]
    )


class DeductionsIn(Schema):
    """The issued deposit invoices to deduct, or `order_reference: true` for every deposit
    invoice of the client naming the draft's order reference (BT-13)."""

    deposit_ids: list[int] = Field(default_factory=list, max_length=100)
    order_reference: bool = False


@invoice_router.post("/{id}/deposit-invoices", response={201: InvoiceOut, **WRITE_ERRORS})
def create_order_deposit(request: HttpRequest, id: Id, payload: DepositIn) -> Status:
    """A draft deposit invoice for part of this invoice draft (the order), which becomes the
    final invoice deducting it once it is paid."""
    draft = get_or_404(Invoice.objects.select_related("client"), id, "invoice")
    deposit = deposit_for_draft(
        draft, by=acting_user(request), percent=payload.percent, amount=payload.amount
    )
    return Status(201, invoice_out(deposit))


@invoice_router.get("/{id}/deposit-invoices", response={200: list[InvoiceOut], **ERRORS})
def order_deposits(request: HttpRequest, id: Id) -> list[InvoiceOut]:
    """The deposit invoices this invoice (an order draft, or the final invoice it became)
    deducts, in order; a deposit draft that is not wanted is deleted with DELETE
    /api/v1/invoices/{id}, which frees the order from it."""
    final = get_or_404(Invoice, id, "invoice")
    return [invoice_out(link.deposit) for link in deductions_of(final)]


@invoice_router.post("/{id}/deductions", response={200: InvoiceOut, **WRITE_ERRORS})
def deduct(request: HttpRequest, id: Id, payload: DeductionsIn) -> InvoiceOut:
    """Make this draft a final invoice deducting deposit invoices (each once, paid before the
    final invoice is issued)."""
    final = get_or_404(Invoice.objects.select_related("client"), id, "invoice")
    by = acting_user(request)
    if payload.order_reference:
        deduct_order_deposits(final, by=by)
    deposits = list(Invoice.objects.filter(pk__in=payload.deposit_ids, kind=InvoiceKind.DEPOSIT))
    if len(deposits) != len(set(payload.deposit_ids)):
        raise ValidationError({"deposit_ids": "Name deposit invoices only (one was not found)."})
    if deposits:
        deduct_deposits(final, deposits, by=by)
    final.refresh_from_db()
    return invoice_out(final)


@quote_router.post("/{id}/deposit-invoices", response={201: InvoiceOut, **WRITE_ERRORS})
def create_quote_deposit(request: HttpRequest, id: Id, payload: DepositIn) -> Status:
    """A draft deposit invoice for part of a sent or accepted quote."""
    quote = get_or_404(Quote.objects.all(), id, "quote")
    deposit = request_deposit(
        quote, by=acting_user(request), percent=payload.percent, amount=payload.amount
    )
    return Status(201, invoice_out(deposit))


@quote_router.post("/{id}/final-invoice", response={201: InvoiceOut, **WRITE_ERRORS})
def create_final_invoice(request: HttpRequest, id: Id) -> Status:
    """The accepted quote's invoice draft: its whole work, deducting its deposit invoices."""
    quote = get_or_404(Quote.objects.all(), id, "quote")
    return Status(201, invoice_out(convert_to_invoice(quote, by=acting_user(request))))
