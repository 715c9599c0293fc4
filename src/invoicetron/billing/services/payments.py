"""Recording and deleting payments; a payment never exceeds the balance due."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from invoicetron.accounts.models import User
from invoicetron.billing.models import AuditAction, Invoice, Payment, PaymentMethod, business_today
from invoicetron.billing.money import format_amount
from invoicetron.billing.services.audit import field_values, record
from invoicetron.billing.services.deducting import settled_deposit_refusal
from invoicetron.billing.services.settlement import settle
from invoicetron.billing.validation import checked_amount


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
) -> Payment:
    """Record a (partial) payment. The invoice row is locked, so concurrent payments queue and
    the sum of payments can never pass the total."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.is_draft:
        raise ValidationError("Issue the invoice before recording a payment.", code="draft")
    value = checked_amount(amount, "amount", locked.currency)
    if value <= 0:
        raise ValidationError({"amount": "A payment must be above zero."}, code="min_value")
    if value > locked.balance_due:
        raise ValidationError(
            {
                "amount": f"The balance due is {format_amount(locked.balance_due, locked.currency)}"
                f"; a payment of {format_amount(value, locked.currency)} would exceed it."
            },
            code="above_balance",
        )
    if method not in PaymentMethod.values:
        raise ValidationError({"method": "Choose a payment method from the list."})
    payment = Payment.objects.create(
        invoice=locked,
        date=date or business_today(),
        amount=value,
        method=method,
        reference=reference.strip(),
        notes=notes,
        created_by=by,
    )
    old = {"status": locked.status, "balance_due": locked.balance_due}
    settle(locked)
    new = field_values(payment, skip=("created_at",)) | {
        "status": locked.status,
        "balance_due": locked.balance_due,
    }
    record(AuditAction.PAYMENT, payment, by=by, old=old, new=new, invoice_id=locked.pk)
    _refresh(invoice, locked)
    return payment


@transaction.atomic
def delete_payment(payment: Payment, *, by: User | None) -> None:
    """Delete a payment (e.g. recorded by mistake); the trail keeps its values."""
    locked = Invoice.objects.select_for_update().get(pk=payment.invoice_id)
    row = Payment.objects.filter(pk=payment.pk).first()
    if row is None:  # deleted meanwhile by someone else: a clear refusal, not a crash
        raise ValidationError({"payment": "This payment has already been deleted."})
    refusal = settled_deposit_refusal(locked)
    if refusal:
        raise ValidationError({"payment": refusal})
    old = field_values(row, skip=("created_at",)) | {
        "status": locked.status,
        "balance_due": locked.balance_due,
    }
    row.delete()
    settle(locked)
    new = {"status": locked.status, "balance_due": locked.balance_due}
    record(AuditAction.PAYMENT_DELETE, payment, by=by, old=old, new=new, invoice_id=locked.pk)


def _refresh(invoice: Invoice, locked: Invoice) -> None:
    """Bring the caller's instance up to date with the settled figures."""
    for name in ("status", "amount_paid", "amount_credited", "balance_due"):
        setattr(invoice, name, getattr(locked, name))
