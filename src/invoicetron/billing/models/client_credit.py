"""Client credit: a ledger of signed amounts per client and currency, and its balance.

Money a client has paid beyond what they owe (an overpayment kept as credit, or a credit note
larger than what was still due) is credit on their account. Each movement is one `CreditEntry`
pointing at its source: the payment or credit note it came from (positive), the invoice it was
applied to or the refund that paid it back (negative). `ClientCreditBalance` holds the sum per
client and currency; a trigger (migration billing 0014) keeps it in the transaction of each
movement and its CHECK refuses a balance below zero, so two applications of the same credit at
once cannot both pass even outside the services (the second waits on the balance row, then
fails). The services also lock the client row to give a clear refusal first
(`billing.services.client_credit`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.models.common import currency_check, currency_field
from invoicetron.billing.models.credit_notes import CreditNote
from invoicetron.billing.models.invoices import Invoice
from invoicetron.billing.models.parties import Client
from invoicetron.billing.models.payments import Payment, Refund


class CreditKind(models.TextChoices):
    OVERPAYMENT = "overpayment", _("Overpayment kept as credit")
    CREDIT_NOTE = "credit_note", _("Credit note surplus")
    APPLICATION = "application", _("Applied credit")
    REFUND = "refund", _("Credit refunded")


class CreditEntry(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="credit_entries")
    currency = currency_field()
    # Signed: what came onto the client's credit (> 0) or went off it (< 0).
    amount = models.DecimalField(max_digits=18, decimal_places=4)
    kind = models.CharField(max_length=16, choices=CreditKind.choices)
    date = models.DateField()
    # The invoice the credit came from (overpayment, credit note) or was applied to.
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    refund = models.ForeignKey(
        Refund, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_entries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-date", "-id")
        indexes: ClassVar = [
            models.Index(fields=["client", "currency", "date"], name="billing_creditentry_client")
        ]
        constraints: ClassVar = [
            currency_check("currency", "billing_creditentry_currency_iso"),
            # Each kind has its sign and exactly its source.
            models.CheckConstraint(
                condition=(
                    models.Q(
                        kind=CreditKind.OVERPAYMENT,
                        amount__gt=0,
                        payment__isnull=False,
                        invoice__isnull=False,
                        credit_note__isnull=True,
                        refund__isnull=True,
                    )
                    | models.Q(
                        kind=CreditKind.CREDIT_NOTE,
                        amount__gt=0,
                        credit_note__isnull=False,
                        invoice__isnull=False,
                        payment__isnull=True,
                        refund__isnull=True,
                    )
                    | models.Q(
                        kind=CreditKind.APPLICATION,
                        amount__lt=0,
                        invoice__isnull=False,
                        payment__isnull=True,
                        credit_note__isnull=True,
                        refund__isnull=True,
                    )
                    | models.Q(
                        kind=CreditKind.REFUND,
                        amount__lt=0,
                        refund__isnull=False,
                        invoice__isnull=True,
                        payment__isnull=True,
                        credit_note__isnull=True,
                    )
                ),
                name="billing_creditentry_kind_source",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency}"

    @property
    def magnitude(self) -> Decimal:
        """The amount without its sign, as pages show it beside its kind."""
        return abs(self.amount)


class ClientCreditBalance(models.Model):
    """The sum of a client's credit entries in one currency; written only by the trigger."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="credit_balances")
    currency = currency_field()
    balance = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))

    class Meta:
        ordering = ("currency",)
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["client", "currency"], name="billing_clientcreditbalance_key"
            ),
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="billing_clientcreditbalance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.balance} {self.currency}"
