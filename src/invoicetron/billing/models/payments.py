"""Payments received against an invoice, and refunds paid back to a client.

A payment never settles more than the invoice's balance due; what the owner explicitly keeps
beyond it is client credit (`CreditEntry` of kind overpayment, `models.client_credit`). A refund
pays back part or all of a payment (never more than is left of it) or of the client's credit.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.models.common import currency_check, currency_field
from invoicetron.billing.models.invoices import Invoice
from invoicetron.billing.models.parties import Client


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash")
    CHEQUE = "cheque", _("Cheque")
    DIRECT_DEBIT = "direct_debit", _("Direct debit")
    ONLINE = "online", _("Online payment")
    OTHER = "other", _("Other")


class Payment(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=4)
    method = models.CharField(
        max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    reference = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-date", "-id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="billing_payment_amount_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} on {self.date}"


class Refund(models.Model):
    """Money paid back to a client: of a payment (`payment` and its `invoice` set) or of their
    client credit (both empty; its `CreditEntry` of kind refund points here)."""

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="refunds")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    currency = currency_field()
    # Units of the base currency per unit of `currency`: the invoice's rate (a payment's refund)
    # or that of the invoice the credit came from, so reports convert it as they convert payments.
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=10, default=Decimal(1))
    date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=4)
    method = models.CharField(
        max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    reference = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-date", "-id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="billing_refund_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(exchange_rate__gt=0), name="billing_refund_rate_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(payment__isnull=True, invoice__isnull=True)
                | models.Q(payment__isnull=False, invoice__isnull=False),
                name="billing_refund_payment_with_invoice",
            ),
            currency_check("currency", "billing_refund_currency_iso"),
        ]

    def __str__(self) -> str:
        return _("Refund of %(amount)s on %(date)s") % {"amount": self.amount, "date": self.date}
