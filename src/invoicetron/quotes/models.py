"""Quotes (estimates): numbered in their own series when sent; accepted or declined."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Self

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import pgettext_lazy

from invoicetron.billing.models import (
    Client,
    DiscountType,
    Invoice,
    NumberSeries,
    TaxRate,
    number_or_client_contains,
)
from invoicetron.billing.models.common import currency_check, currency_field, discount_checks


class QuoteStatus(models.TextChoices):
    # A context: French and Spanish agree these with the quote ("Envoyé", "Enviado"), unlike an
    # invoice's statuses ("Envoyée", "Enviada"); every app's catalogue merges into one.
    DRAFT = "draft", pgettext_lazy("quote status", "Draft")
    SENT = "sent", pgettext_lazy("quote status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("quote status", "Accepted")
    DECLINED = "declined", pgettext_lazy("quote status", "Declined")
    EXPIRED = "expired", pgettext_lazy("quote status", "Expired")


class QuoteQuerySet(models.QuerySet["Quote"]):
    def search(self, text: str) -> Self:
        """Quotes whose number or client's name contains `text`, ignoring case, each through its
        trigram index (billing's migration 0007, quotes' 0004)."""
        return self.filter(number_or_client_contains(text))


class Quote(models.Model):
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="quotes")
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="quotes")
    status = models.CharField(max_length=16, choices=QuoteStatus.choices, default="draft")
    number = models.CharField(max_length=64, blank=True, default="")
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    currency = currency_field()
    issue_date = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    prices_include_tax = models.BooleanField(default=False)
    discount_type = models.CharField(
        max_length=8, choices=DiscountType.choices, default=DiscountType.PERCENT
    )
    discount_value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    notes = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    snapshot = models.JSONField(null=True, blank=True, editable=False)  # as sent
    total = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    decided_at = models.DateTimeField(null=True, blank=True)
    # The draft invoice made from the accepted quote.
    invoice = models.OneToOneField(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="quote"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            # The list's order: a page, first, last or deep (web.lists), reads only its entries.
            models.Index(fields=["-created_at", "-id"], name="quotes_quote_list_order"),
            # The list's search by number (`number__icontains`), as for invoices (migration 0004).
            GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"), name="quotes_quote_number_trgm"
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["series", "number"],
                condition=~models.Q(number=""),
                name="quotes_quote_number_unique_per_series",
            ),
            # The database guards a quote as it guards an invoice (billing.models.invoices).
            models.CheckConstraint(
                condition=models.Q(status=QuoteStatus.DRAFT, number="")
                | (~models.Q(status=QuoteStatus.DRAFT) & ~models.Q(number="")),
                name="quotes_quote_number_iff_sent",
            ),
            currency_check("currency", "quotes_quote_currency_iso"),
            *discount_checks("quotes_quote"),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft quote #{self.pk}"

    @property
    def exchange_rate(self) -> None:
        return None  # the billing snapshot builder asks; quotes record no rate

    @property
    def due_date(self) -> None:
        return None


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.TextField()
    # Never negative, like an invoice's: the quote becomes an invoice with these lines.
    quantity = models.DecimalField(
        max_digits=15, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(max_length=32, blank=True)
    unit_code = models.CharField(max_length=3, blank=True, db_default="")  # as InvoiceLine's
    unit_price = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    base_quantity = models.DecimalField(
        max_digits=15,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(0)],
        db_default=Decimal(1),
    )
    adjustments = models.JSONField(
        default=list, blank=True, db_default=models.Value([], models.JSONField())
    )  # as InvoiceLine's
    taxes = models.ManyToManyField(TaxRate, blank=True, related_name="+")
    discount_type = models.CharField(
        max_length=8, choices=DiscountType.choices, default=DiscountType.PERCENT
    )
    discount_value = models.DecimalField(
        max_digits=18,
        decimal_places=4,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(10**12)],
    )

    class Meta:
        ordering = ("position", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="quotes_quoteline_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="quotes_quoteline_price_not_negative"
            ),
            *discount_checks("quotes_quoteline"),
        ]

    def __str__(self) -> str:
        return self.description[:60]


class QuoteDeposit(models.Model):
    """A deposit invoice asked of a quote; the quote's final invoice deducts it."""

    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="deposits")
    invoice = models.OneToOneField(
        Invoice, on_delete=models.CASCADE, related_name="deposit_of_quote"
    )

    class Meta:
        ordering = ("id",)

    def __str__(self) -> str:
        return f"{self.invoice} on {self.quote}"
