"""Client credit: applying it to an invoice of the same client and currency, taking an
application back, and reading a client's balance and history (the ledger, `CreditEntry`)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.language import shown_amount
from invoicetron.billing.models import (
    AuditAction,
    Client,
    ClientCreditBalance,
    CreditEntry,
    CreditKind,
    Invoice,
    business_today,
)
from invoicetron.billing.services.audit import record
from invoicetron.billing.services.payments import (
    client_credit_balance,
    lock_client_and_invoice,
    refresh_settled,
)
from invoicetron.billing.services.settlement import settle
from invoicetron.billing.validation import checked_amount


def credit_balances(client: Client) -> QuerySet[ClientCreditBalance]:
    """The client's credit per currency (only currencies with credit left)."""
    return ClientCreditBalance.objects.filter(client=client, balance__gt=0).order_by("currency")


def credit_ledger(client: Client) -> QuerySet[CreditEntry]:
    """Every movement of the client's credit, newest first, with what it points at."""
    return CreditEntry.objects.filter(client=client).select_related(
        "invoice", "payment", "credit_note", "refund"
    )


def credit_targets(client: Client, currency: str) -> QuerySet[Invoice]:
    """The client's invoices in `currency` that credit can settle: issued, with a balance."""
    return (
        Invoice.objects.filter(client=client, currency=currency, balance_due__gt=0)
        .exclude(status="draft")
        .order_by("due_date", "pk")
    )


@transaction.atomic
def apply_credit(
    invoice: Invoice,
    *,
    by: User | None,
    amount: Decimal | str | int | None = None,
    date: datetime.date | None = None,
) -> CreditEntry:
    """Settle `invoice` with its client's credit in its currency, like a payment ("Applied
    credit"). `amount` defaults to as much as the credit and the balance due allow; more than
    either is refused. The client row is locked, so two applications of the same credit queue
    and the second sees what the first left (the balance's CHECK refuses it in any case)."""
    locked = lock_client_and_invoice(invoice.pk)
    if locked.is_draft:
        raise ValidationError(_("Issue the invoice before applying credit to it."), code="draft")
    balance = client_credit_balance(locked.client_id, locked.currency)
    if balance <= 0:
        raise ValidationError(
            {
                "amount": _("The client has no credit in %(currency)s.")
                % {"currency": locked.currency}
            },
            code="no_credit",
        )
    most = money.applicable_credit(balance, locked.balance_due)
    value = most if amount in (None, "") else checked_amount(amount, "amount", locked.currency)
    if value <= 0:
        raise ValidationError({"amount": _("Apply an amount above zero.")}, code="min_value")
    if value > balance:
        raise ValidationError(
            {
                "amount": _("The client's credit is %(balance)s; %(amount)s would exceed it.")
                % {
                    "balance": shown_amount(balance, locked.currency),
                    "amount": shown_amount(value, locked.currency),
                }
            },
            code="above_credit",
        )
    if value > locked.balance_due:
        raise ValidationError(
            {
                "amount": _("The balance due is %(balance)s; %(amount)s would exceed it.")
                % {
                    "balance": shown_amount(locked.balance_due, locked.currency),
                    "amount": shown_amount(value, locked.currency),
                }
            },
            code="above_balance",
        )
    entry = CreditEntry.objects.create(
        client_id=locked.client_id,
        currency=locked.currency,
        amount=-value,
        kind=CreditKind.APPLICATION,
        date=date or business_today(),
        invoice=locked,
        created_by=by,
    )
    old = {"status": locked.status, "balance_due": locked.balance_due, "credit_balance": balance}
    settle(locked)
    new = {
        "amount": value,
        "date": entry.date,
        "status": locked.status,
        "balance_due": locked.balance_due,
        "credit_balance": balance - value,
    }
    record(AuditAction.CREDIT_APPLY, entry, by=by, old=old, new=new, invoice_id=locked.pk)
    refresh_settled(invoice, locked)
    return entry


@transaction.atomic
def remove_applied_credit(entry: CreditEntry, *, by: User | None) -> None:
    """Take back credit applied by mistake: the invoice owes it again, the client has it again."""
    if entry.kind != CreditKind.APPLICATION or entry.invoice_id is None:
        raise ValidationError(_("Only applied credit can be removed this way."))
    locked = lock_client_and_invoice(entry.invoice_id)
    row = CreditEntry.objects.filter(pk=entry.pk).first()
    if row is None:
        raise ValidationError(_("This applied credit has already been removed."))
    old = {"amount": -row.amount, "status": locked.status, "balance_due": locked.balance_due}
    row.delete()
    settle(locked)
    new = {"status": locked.status, "balance_due": locked.balance_due}
    record(AuditAction.CREDIT_UNAPPLY, entry, by=by, old=old, new=new, invoice_id=locked.pk)
