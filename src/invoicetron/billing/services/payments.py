"""Recording and deleting payments; a payment never settles more than the balance due, and what
the owner explicitly keeps beyond it becomes client credit."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
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
    Payment,
    PaymentMethod,
    business_today,
)
from invoicetron.billing.services.audit import field_values, record
from invoicetron.billing.services.deducting import settled_deposit_refusal
from invoicetron.billing.services.settlement import settle
from invoicetron.billing.validation import checked_amount


def lock_client_and_invoice(invoice_id: int) -> Invoice:
    """Lock the invoice's client row, then the invoice row: every change of client credit takes
    them in this order, so two of them queue instead of deadlocking (and one client's credit is
    never spent twice)."""
    client_id = Invoice.objects.values_list("client_id", flat=True).get(pk=invoice_id)
    Client.objects.select_for_update().filter(pk=client_id).exists()
    return Invoice.objects.select_for_update(of=("self",)).get(pk=invoice_id)


def checked_method(method: str) -> str:
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Choose a payment method from the list.")})
    return method


@transaction.atomic
def record_payment(
    invoice: Invoice,
    *,
    amount: Decimal | str | int,
    by: User | None,
    date: datetime.date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    notes: str = "",
    keep_excess_as_credit: bool = False,
) -> Payment:
    """Record a (partial) payment. The invoice row is locked, so concurrent payments queue and
    the sum of payments can never pass the total. Beyond the balance due, the payment is refused
    unless `keep_excess_as_credit`: then the excess goes onto the client's credit."""
    locked = lock_client_and_invoice(invoice.pk)
    if locked.is_draft:
        raise ValidationError(_("Issue the invoice before recording a payment."), code="draft")
    value = checked_amount(amount, "amount", locked.currency)
    if value <= 0:
        raise ValidationError({"amount": _("A payment must be above zero.")}, code="min_value")
    split = money.split_payment(value, locked.balance_due)
    if split.excess and not keep_excess_as_credit:
        raise ValidationError(
            {
                "amount": _("The balance due is %(due)s; a payment of %(amount)s would exceed it.")
                % {
                    "due": shown_amount(locked.balance_due, locked.currency),
                    "amount": shown_amount(value, locked.currency),
                }
            },
            code="above_balance",
        )
    checked_method(method)
    payment = Payment.objects.create(
        invoice=locked,
        date=date or business_today(),
        amount=value,
        method=method,
        reference=reference.strip(),
        notes=notes,
        created_by=by,
    )
    if split.excess:
        CreditEntry.objects.create(
            client_id=locked.client_id,
            currency=locked.currency,
            amount=split.excess,
            kind=CreditKind.OVERPAYMENT,
            date=payment.date,
            invoice=locked,
            payment=payment,
            created_by=by,
        )
    old = {"status": locked.status, "balance_due": locked.balance_due}
    settle(locked)
    new = field_values(payment, skip=("created_at",)) | {
        "status": locked.status,
        "balance_due": locked.balance_due,
        "kept_as_credit": split.excess,
    }
    record(AuditAction.PAYMENT, payment, by=by, old=old, new=new, invoice_id=locked.pk)
    refresh_settled(invoice, locked)
    return payment


@transaction.atomic
def delete_payment(payment: Payment, *, by: User | None) -> None:
    """Delete a payment (e.g. recorded by mistake); the trail keeps its values. Refused while it
    has refunds (delete them first) or while the credit it left has been spent."""
    locked = lock_client_and_invoice(payment.invoice_id)
    row = Payment.objects.filter(pk=payment.pk).first()
    if row is None:  # deleted meanwhile by someone else: a clear refusal, not a crash
        raise ValidationError({"payment": _("This payment has already been deleted.")})
    if row.refunds.exists():
        raise ValidationError(
            {"payment": _("This payment has refunds: delete them before the payment.")}
        )
    excess = sum((entry.amount for entry in row.credit_entries.all()), Decimal(0))
    balance = client_credit_balance(locked.client_id, locked.currency)
    if excess > balance:
        raise ValidationError(
            {
                "payment": _(
                    "%(excess)s of this payment was kept as client credit and only %(balance)s "
                    "of that credit is left: remove the credit applied to other invoices first."
                )
                % {
                    "excess": shown_amount(excess, locked.currency),
                    "balance": shown_amount(balance, locked.currency),
                }
            }
        )
    refusal = settled_deposit_refusal(locked)
    if refusal:
        raise ValidationError({"payment": refusal})
    old = field_values(row, skip=("created_at",)) | {
        "status": locked.status,
        "balance_due": locked.balance_due,
        "kept_as_credit": excess,
    }
    row.credit_entries.all().delete()
    row.delete()
    settle(locked)
    new = {"status": locked.status, "balance_due": locked.balance_due}
    record(AuditAction.PAYMENT_DELETE, payment, by=by, old=old, new=new, invoice_id=locked.pk)


def client_credit_balance(client_id: int, currency: str) -> Decimal:
    """The client's credit in `currency` now (their balance row; none means no credit)."""
    row = ClientCreditBalance.objects.filter(client_id=client_id, currency=currency).first()
    return row.balance if row else Decimal(0)


def refresh_settled(invoice: Invoice, locked: Invoice) -> None:
    """Bring the caller's instance up to date with the settled figures."""
    for name in ("status", "amount_paid", "amount_credited", "balance_due"):
        setattr(invoice, name, getattr(locked, name))
