"""Keeping an invoice's paid, credited and balance figures (and its status) current."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Sum

from invoicetron.billing import money
from invoicetron.billing.models import (
    CreditEntry,
    CreditNote,
    CreditNoteLine,
    Invoice,
    InvoiceStatus,
    Payment,
    Refund,
)


def settlement_status(invoice: Invoice, *, fully_credited: bool = False) -> InvoiceStatus:
    """The status that the invoice's stored figures imply (issued documents only).

    An invoice whose every quantity is credited is closed even when its credit notes, each
    rounded on its own (money rule 8), leave a cent or so of balance either way.
    """
    if invoice.balance_due <= 0 or fully_credited:
        return InvoiceStatus.PAID if invoice.amount_paid > 0 else InvoiceStatus.CREDITED
    if invoice.amount_paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.SENT if invoice.sent_at else InvoiceStatus.ISSUED


def fully_credited(invoice: Invoice) -> bool:
    """True when credit notes have taken every quantity of every line off the invoice."""
    credited = dict(
        CreditNoteLine.objects.filter(credit_note__invoice=invoice)
        .values("invoice_line")
        .annotate(total=Sum("quantity"))
        .values_list("invoice_line", "total")
    )
    lines = (invoice.snapshot or {}).get("lines", [])
    return all(Decimal(row["quantity"]) <= credited.get(row["id"], 0) for row in lines)


def settle(invoice: Invoice) -> Invoice:
    """Recompute paid, credited, balance and status from the rows (payments, refunds, client
    credit moved off or onto it, credit notes). Call with the invoice locked."""
    credited = _sum(CreditNote.objects.filter(invoice=invoice), "total")
    figures = money.settled_figures(
        invoice.total,
        paid=_sum(Payment.objects.filter(invoice=invoice), "amount"),
        refunded=_sum(Refund.objects.filter(invoice=invoice), "amount"),
        credit_moved=_sum(CreditEntry.objects.filter(invoice=invoice), "amount"),
        credited=credited,
    )
    invoice.amount_paid = figures.amount_paid
    invoice.amount_credited = credited
    invoice.balance_due = figures.balance_due
    closed = bool(invoice.amount_credited) and fully_credited(invoice)
    if closed:
        # Notes rounded each on its own (money rule 8) may leave a cent or so either way; with
        # every quantity credited nothing is owed (create_credit_note puts what the last note
        # takes beyond that rounding onto the client's credit).
        invoice.balance_due = Decimal(0)
    if invoice.total > 0:
        invoice.status = settlement_status(invoice, fully_credited=closed)
    invoice.save(
        update_fields=["amount_paid", "amount_credited", "balance_due", "status", "updated_at"]
    )
    return invoice


def _sum(rows: Any, field: str) -> Decimal:
    return rows.aggregate(sum=Sum(field))["sum"] or Decimal(0)
