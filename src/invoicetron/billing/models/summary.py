"""The tax summary: per day, document kind, tax name and rate, the documents' figures converted to
the base currency and summed, so that reports over any date range read a few hundred rows instead
of unnesting every snapshot.

Each row holds exactly the per-document figures of money rule 9 (`money.in_base_currency`: each
tax row of a frozen breakdown converted on its own with the invoice's rate, rounded to the base
currency's minor unit), summed. PostgreSQL triggers (migration billing 0006) add a document's rows
in the same transaction that issues it (an invoice leaving draft, or inserted issued by an import)
or creates a credit note; issued documents never change or disappear (migration 0002), so rows are
only ever added to. tests/reports/test_tax_summary.py holds the table equal to a recomputation
from the documents.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.db import models


class SummaryKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class TaxSummaryDay(models.Model):
    # The base currency the amounts were converted to (the business's, when they were added).
    base_currency = models.CharField(max_length=3)
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=SummaryKind.choices)
    name = models.TextField()
    rate = models.DecimalField(max_digits=20, decimal_places=10)  # percent
    documents = models.PositiveIntegerField(default=0)
    base = models.DecimalField(max_digits=30, decimal_places=4, default=Decimal(0))
    tax = models.DecimalField(max_digits=30, decimal_places=4, default=Decimal(0))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["base_currency", "day", "kind", "name", "rate"],
                name="billing_taxsummaryday_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.name} {self.rate}"


class SalesSummaryDay(models.Model):
    """Per day and document kind: how many documents, their net and tax in the base currency.

    A document's net is converted once, its tax as `reports.amounts.Base.tax` does (the tax total
    for a base-currency document at the rate 1, else each tax row converted on its own).
    """

    base_currency = models.CharField(max_length=3)
    day = models.DateField()
    kind = models.CharField(max_length=16, choices=SummaryKind.choices)
    documents = models.PositiveIntegerField(default=0)
    net = models.DecimalField(max_digits=30, decimal_places=4, default=Decimal(0))
    tax = models.DecimalField(max_digits=30, decimal_places=4, default=Decimal(0))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["base_currency", "day", "kind"], name="billing_salessummaryday_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind}"


class PaymentSummaryDay(models.Model):
    """Per day and method: how many payments, and their amounts in the base currency (each
    converted on its own with its invoice's rate). Kept by triggers on insert and delete.

    `amount` is what was received net of refunds (money paid back that day by that method,
    migration billing 0014); `refunds` and `refunded` count and sum those refunds alone."""

    base_currency = models.CharField(max_length=3)
    day = models.DateField()
    method = models.CharField(max_length=16)
    payments = models.IntegerField(default=0)
    amount = models.DecimalField(max_digits=30, decimal_places=4, default=Decimal(0))
    # db_default: the payment trigger (migration 0008) inserts rows without these columns.
    refunds = models.IntegerField(db_default=0)
    refunded = models.DecimalField(max_digits=30, decimal_places=4, db_default=Decimal(0))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["base_currency", "day", "method"], name="billing_paymentsummaryday_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.method}"


class ClientSummaryMonth(models.Model):
    """Per client and month of issue: the issued invoices, what they came to less their credit
    notes (`total`), and what of them is still open (`owed`), all in the base currency (the
    dashboard's top clients).

    A credit note counts in its invoice's month (not its own), and `owed` is the stored
    balance of the open invoices, so a payment moves the month its invoice was issued in. Kept by
    triggers (migration billing 0011) on every change of an invoice or credit note;
    tests/reports/test_client_summary.py holds it equal to the documents.
    """

    base_currency = models.CharField(max_length=3)
    client = models.ForeignKey("billing.Client", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    documents = models.IntegerField(default=0)  # issued invoices
    total = models.DecimalField(max_digits=30, decimal_places=4, default=Decimal(0))
    owed = models.DecimalField(max_digits=30, decimal_places=4, default=Decimal(0))

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["base_currency", "month", "client"], name="billing_clientsummarymonth_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} client {self.client_id}"
