"""Credit notes: issued at creation (own series), linked to an invoice, never changed after."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Self

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Upper

from invoicetron.billing.models.common import currency_field
from invoicetron.billing.models.invoices import FrozenOnceIssued, Invoice, InvoiceLine
from invoicetron.billing.models.setup import NumberSeries


class CreditNoteQuerySet(models.QuerySet["CreditNote"]):
    def search(self, text: str) -> Self:
        """Credit notes whose number, or whose invoice's number or client's name, contains `text`
        ignoring case (`icontains`), each through its trigram index (migrations 0007 and 0010).

        A UNION of the two searches' ids: with OR, the invoices' side became a hashed subplan
        tested against every credit note (a sequential scan, whatever the indexes)."""
        by_number = CreditNote.objects.filter(number__icontains=text).order_by().values("pk")
        invoices = Invoice.objects.search(text).order_by().values("pk")
        by_invoice = CreditNote.objects.filter(invoice_id__in=invoices).order_by().values("pk")
        return self.filter(pk__in=by_number.union(by_invoice))


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

    objects = CreditNoteQuerySet.as_manager()

    class Meta:
        ordering = ("-issue_date", "-sequence", "-id")
        indexes: ClassVar = [
            # The list's order: a page, first, last or deep (web.lists), reads only its entries.
            models.Index(
                fields=["-issue_date", "-sequence", "-id"], name="billing_creditnote_list_order"
            ),
            # The list's search by number (`number__icontains`), as for invoices (migration 0010).
            GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"),
                name="billing_creditnote_number_trgm",
            ),
        ]
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
