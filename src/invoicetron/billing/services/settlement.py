"""Keeping an invoice's paid, credited and balance figures (and its status) current."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from invoicetron.billing.models import CreditNote, Invoice, InvoiceStatus, Payment


def settlement_status(invoice: Invoice) -> InvoiceStatus:
    """The status that the invoice's stored figures imply (issued documents only)."""
    if invoice.balance_due <= 0:
        return InvoiceStatus.PAID if invoice.amount_paid > 0 else InvoiceStatus.CREDITED
    if invoice.amount_paid > 0:
        return InvoiceStatus.PARTIALLY_PAID
    return InvoiceStatus.SENT if invoice.sent_at else InvoiceStatus.ISSUED


def settle(invoice: Invoice) -> Invoice:
    """Recompute paid, credited, balance and status from the rows. Call with the invoice locked."""
    paid = Payment.objects.filter(invoice=invoice).aggregate(sum=Sum("amount"))["sum"]
    credited = CreditNote.objects.filter(invoice=invoice).aggregate(sum=Sum("total"))["sum"]
    invoice.amount_paid = paid or Decimal(0)
    invoice.amount_credited = credited or Decimal(0)
    invoice.balance_due = invoice.total - invoice.amount_paid - invoice.amount_credited
    if invoice.total > 0:
        invoice.status = settlement_status(invoice)
    invoice.save(
        update_fields=["amount_paid", "amount_credited", "balance_due", "status", "updated_at"]
    )
    return invoice
