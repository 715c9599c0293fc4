"""Client credit: /api/v1/clients/{id}/credit (balance per currency and ledger, refund credit),
/api/v1/invoices/{id}/apply-credit and /api/v1/invoices/{id}/applied-credit (list, take back)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

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
from invoicetron.api.routers.common import acting_user, get_or_404
from invoicetron.api.routers.payments import Method
from invoicetron.api.routers.refunds import RefundOut, refund_out
from invoicetron.billing import services
from invoicetron.billing.models import Client, CreditEntry, CreditKind, Invoice

client_router = Router(tags=["Client credit"])
invoice_router = Router(tags=["Client credit"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
WRITE_ERRORS = error_responses(*COMMON_ERRORS, 404, 409)
LEDGER_ROWS = 500  # newest first; the CSV export has every row


class CreditBalanceOut(Schema):
    currency: str
    balance: str


class CreditEntryOut(Schema):
    id: int
    date: datetime.date
    kind: str = Field(description="overpayment, credit_note, application or refund.")
    amount: str = Field(description="Signed: onto the credit (+) or off it (-).")
    currency: str
    invoice_id: int | None
    payment_id: int | None
    credit_note_id: int | None
    refund_id: int | None


class ClientCreditOut(Schema):
    client_id: int
    balances: list[CreditBalanceOut]
    ledger: list[CreditEntryOut]


class ApplyCreditIn(Input):
    amount: DecimalString | None = Field(
        None, description="Defaults to as much as the credit and the balance due allow."
    )
    date: Date | None = None


class ApplyCreditOut(Schema):
    entry: CreditEntryOut
    invoice_status: str
    invoice_balance_due: str


class CreditRefundIn(Input):
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["EUR"])
    amount: DecimalString
    date: Date | None = None
    method: Method = "bank_transfer"
    reference: ShortText = ""
    notes: Text = ""


def entry_out(entry: CreditEntry) -> CreditEntryOut:
    return CreditEntryOut(
        id=entry.pk,
        date=entry.date,
        kind=entry.kind,
        amount=amount(entry.amount, entry.currency),
        currency=entry.currency,
        invoice_id=entry.invoice_id,
        payment_id=entry.payment_id,
        credit_note_id=entry.credit_note_id,
        refund_id=entry.refund_id,
    )


@client_router.get("/{id}/credit", response={200: ClientCreditOut, **ERRORS})
def client_credit(request: HttpRequest, id: Id) -> ClientCreditOut:
    """The client's credit balance per currency and its ledger, newest first."""
    client = get_or_404(Client, id, "client")
    return ClientCreditOut(
        client_id=client.pk,
        balances=[
            CreditBalanceOut(currency=row.currency, balance=amount(row.balance, row.currency))
            for row in services.credit_balances(client)
        ],
        ledger=[entry_out(entry) for entry in services.credit_ledger(client)[:LEDGER_ROWS]],
    )


@client_router.post("/{id}/credit/refunds", response={201: RefundOut, **WRITE_ERRORS})
def refund_client_credit(
    request: HttpRequest, id: Id, payload: CreditRefundIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    """Pay client credit back; refused (422 on `amount`) above the credit in that currency."""
    client = get_or_404(Client, id, "client")

    def refund() -> RefundOut:
        return refund_out(
            services.refund_credit(
                client,
                currency=payload.currency,
                amount=payload.amount,
                by=acting_user(request),
                date=payload.date,
                method=payload.method,
                reference=payload.reference,
                notes=payload.notes,
            )
        )

    return run_once(request, idempotency_key, refund, status=201)


@invoice_router.post("/{id}/apply-credit", response={201: ApplyCreditOut, **WRITE_ERRORS})
def apply_client_credit(
    request: HttpRequest, id: Id, payload: ApplyCreditIn, idempotency_key: IdempotencyKey = None
) -> HttpResponse:
    """Settle the invoice with its client's credit in its currency ("Applied credit"). Refused
    (422 on `amount`) above the credit or the balance due."""
    invoice = get_or_404(Invoice, id, "invoice")

    def apply() -> ApplyCreditOut:
        entry = services.apply_credit(
            invoice, by=acting_user(request), amount=payload.amount, date=payload.date
        )
        return ApplyCreditOut(
            entry=entry_out(entry),
            invoice_status=invoice.status,
            invoice_balance_due=amount(invoice.balance_due, invoice.currency),
        )

    return run_once(request, idempotency_key, apply, status=201)


@invoice_router.get("/{id}/applied-credit", response={200: list[CreditEntryOut], **ERRORS})
def applied_credit(request: HttpRequest, id: Id) -> list[CreditEntryOut]:
    """The client credit applied to the invoice, oldest first (amounts negative: off the credit)."""
    invoice = get_or_404(Invoice, id, "invoice")
    entries = CreditEntry.objects.filter(invoice=invoice, kind=CreditKind.APPLICATION)
    return [entry_out(entry) for entry in entries.order_by("date", "id")]


@invoice_router.delete("/{id}/applied-credit/{entry_id}", response={204: None, **WRITE_ERRORS})
def remove_applied_credit(request: HttpRequest, id: Id, entry_id: Id) -> Status:
    """Take back credit applied by mistake: the invoice owes it again, the client has it again."""
    applications = CreditEntry.objects.filter(invoice_id=id, kind=CreditKind.APPLICATION)
    entry = get_or_404(applications, entry_id, "applied credit on this invoice")
    services.remove_applied_credit(entry, by=acting_user(request))
    return Status(204, None)
