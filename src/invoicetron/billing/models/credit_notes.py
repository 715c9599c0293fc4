"""Credit notes: issued at creation (own series), linked to an invoice, never changed after."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from invoicetron.billing.models.common import currency_field
from invoicetron.billing.models.invoices import FrozenOnceIssued, Invoice, InvoiceLine
from invoicetron.billing.models.setup import NumberSeries


class CreditNote(FrozenOnceIssued):
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="credit_notes")
    number = models.CharField(max_length=64)
    sequence = models.PositiveIntegerField(editable=False)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    currency = currency_field(editable=False)
    issue_date = models.DateField()
    reason = models.TextField(blank=True)
    # The credited lines, taxes and totals, and the business and client, as issued.
    snapshot = models.JSONField(editable=False)
    # Positive amounts: what the credit note takes off the invoice.
    net_total = models.DecimalField(max_digits=18, decimal_places=4, editable=False)
    tax_total = models.DecimalField(max_digits=18, decimal_places=4, editable=False)
    total = models.DecimalField(max_digits=18, decimal_places=4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-issue_date", "-sequence", "-id")
        constraints: ClassVar = [
            # A legal number is unique across all credit-note series, not just within one.
            models.UniqueConstraint(fields=["number"], name="billing_creditnote_number_unique"),
            models.CheckConstraint(
                condition=models.Q(total__gte=0), name="billing_creditnote_total_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def is_frozen(self) -> bool:
        return self.pk is not None


class CreditNoteLine(models.Model):
    """One credited line: which invoice line, and how much of its quantity."""

    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    invoice_line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveIntegerField(default=0)
    description = models.TextField()
    quantity = models.DecimalField(
        max_digits=15, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(max_digits=18, decimal_places=4)
    amount = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ("position", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(quantity__gt=0), name="billing_creditnoteline_quantity_positive"
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]
