"""Refunds: money paid back to a client, of a payment or of their client credit.

A payment's refund takes back what of it settled the invoice (never more than is left of it), so
the invoice's amount paid falls and its balance is due again, unless credit notes cover it. A
credit refund pays out client credit. Deleting a refund recorded by mistake works like deleting a
payment: the trail keeps its values.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.language import shown_amount
from invoicetron.billing.models import (
    AuditAction,
    Client,
    CreditEntry,
    CreditKind,
    Invoice,
    Payment,
    PaymentMethod,
    Refund,
    business_today,
)
from invoicetron.billing.services.audit import field_values, record
from invoicetron.billing.services.deducting import settled_deposit_refusal
from invoicetron.billing.services.payments import (
    checked_method,
    client_credit_balance,
    lock_client_and_invoice,
    refresh_settled,
)
from invoicetron.billing.services.settlement import settle
from invoicetron.billing.validation import checked_amount, checked_currency


def refundable_amount(payment: Payment, invoice: Invoice | None = None) -> Decimal:
    """What of `payment` can still be refunded (see `money.refundable`), against `invoice` as
    stored now unless the caller passes it (locked)."""
    invoice = invoice or Invoice.objects.get(pk=payment.invoice_id)
    kept = payment.credit_entries.aggregate(sum=Sum("amount"))["sum"] or Decimal(0)
    refunded = payment.refunds.aggregate(sum=Sum("amount"))["sum"] or Decimal(0)
    return money.refundable(payment.amount, kept, refunded, invoice.amount_paid)


def _positive_amount(amount: Decimal | str | int, currency: str) -> Decimal:
    value = checked_amount(amount, "amount", currency)
    if value <= 0:
        raise ValidationError({"amount": _("A refund must be above zero.")}, code="min_value")
    return value


@transaction.atomic
def record_refund(
    payment: Payment,
    *,
    amount: Decimal | str | int,
    by: User | None,
    date: datetime.date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    notes: str = "",
) -> Refund:
    """Refund part or all of a payment. Refused above what is left of it (field "amount")."""
    locked = lock_client_and_invoice(payment.invoice_id)
    row = Payment.objects.filter(pk=payment.pk).first()
    if row is None:
        raise ValidationError({"payment": _("This payment has been deleted.")})
    value = _positive_amount(amount, locked.currency)
    # A final invoice deducts its deposits as paid (their VAT is taken off there): refunding one
    # would leave that invoice's figures wrong.
    refusal = settled_deposit_refusal(locked)
    if refusal:
        raise ValidationError({"payment": refusal}, code="deducted_deposit")
    left = refundable_amount(row, locked)
    if value > left:
        raise ValidationError(
            {
                "amount": _(
                    "Only %(left)s of this payment can still be refunded; a refund of "
                    "%(amount)s would exceed it."
                )
                % {
                    "left": shown_amount(left, locked.currency),
                    "amount": shown_amount(value, locked.currency),
                }
            },
            code="above_refundable",
        )
    refund = Refund.objects.create(
        client_id=locked.client_id,
        invoice=locked,
        payment=row,
        currency=locked.currency,
        exchange_rate=locked.exchange_rate or Decimal(1),
        date=date or business_today(),
        amount=value,
        method=checked_method(method),
        reference=reference.strip(),
        notes=notes,
        created_by=by,
    )
    old = {"status": locked.status, "balance_due": locked.balance_due}
    settle(locked)
    new = field_values(refund, skip=("created_at",)) | {
        "status": locked.status,
        "balance_due": locked.balance_due,
    }
    record(AuditAction.REFUND, refund, by=by, old=old, new=new, invoice_id=locked.pk)
    if Payment.invoice.is_cached(payment):
        refresh_settled(payment.invoice, locked)
    return refund


@transaction.atomic
def refund_credit(
    client: Client,
    *,
    currency: str,
    amount: Decimal | str | int,
    by: User | None,
    date: datetime.date | None = None,
    method: str = PaymentMethod.BANK_TRANSFER,
    reference: str = "",
    notes: str = "",
) -> Refund:
    """Pay client credit back to the client. Refused above their credit in that currency."""
    code = checked_currency(currency)
    Client.objects.select_for_update().filter(pk=client.pk).exists()
    value = _positive_amount(amount, code)
    balance = client_credit_balance(client.pk, code)
    if value > balance:
        raise ValidationError(
            {
                "amount": _("The client's credit is %(balance)s; %(amount)s would exceed it.")
                % {
                    "balance": shown_amount(balance, code),
                    "amount": shown_amount(value, code),
                }
            },
            code="above_credit",
        )
    refund = Refund.objects.create(
        client=client,
        currency=code,
        exchange_rate=credit_rate(client, code),
        date=date or business_today(),
        amount=value,
        method=checked_method(method),
        reference=reference.strip(),
        notes=notes,
        created_by=by,
    )
    CreditEntry.objects.create(
        client=client,
        currency=code,
        amount=-value,
        kind=CreditKind.REFUND,
        date=refund.date,
        refund=refund,
        created_by=by,
    )
    new = field_values(refund, skip=("created_at",)) | {
        "credit_balance": client_credit_balance(client.pk, code)
    }
    record(AuditAction.REFUND, refund, by=by, old={"credit_balance": balance}, new=new)
    return refund


def credit_rate(client: Client, currency: str) -> Decimal:
    """The exchange rate reports convert a credit refund with: that of the invoice the client's
    latest credit in `currency` came from (1 when none is recorded)."""
    entry = (
        CreditEntry.objects.filter(client=client, currency=currency, amount__gt=0)
        .select_related("invoice")
        .order_by("-date", "-id")
        .first()
    )
    rate = entry.invoice.exchange_rate if entry and entry.invoice else None
    return rate or Decimal(1)


@transaction.atomic
def delete_refund(refund: Refund, *, by: User | None) -> None:
    """Delete a refund recorded by mistake; the trail keeps its values. A payment's refund
    makes its amount paid again (refused when that would pay the invoice past its total: record
    it as client credit instead); a credit refund puts the credit back."""
    if refund.invoice_id is not None:
        locked: Invoice | None = lock_client_and_invoice(refund.invoice_id)
    else:
        locked = None
        Client.objects.select_for_update().filter(pk=refund.client_id).exists()
    row = Refund.objects.filter(pk=refund.pk).first()
    if row is None:
        raise ValidationError({"refund": _("This refund has already been deleted.")})
    if locked is not None and row.amount > locked.balance_due:
        raise ValidationError(
            {
                "refund": _(
                    "Deleting this refund would pay the invoice past its total (its balance due "
                    "is %(balance)s)."
                )
                % {"balance": shown_amount(locked.balance_due, locked.currency)}
            }
        )
    old = field_values(row, skip=("created_at",))
    row.credit_entries.all().delete()
    row.delete()
    new: dict[str, object] = {}
    if locked is not None:
        old |= {"status": locked.status, "balance_due": locked.balance_due}
        settle(locked)
        new = {"status": locked.status, "balance_due": locked.balance_due}
    else:
        new = {"credit_balance": client_credit_balance(row.client_id, row.currency)}
    record(
        AuditAction.REFUND_DELETE,
        refund,
        by=by,
        old=old,
        new=new,
        invoice_id=locked.pk if locked else None,
    )
