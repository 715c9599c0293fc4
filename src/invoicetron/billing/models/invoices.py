"""Invoices and their lines. An issued invoice is frozen: only its settlement fields still move."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar, Self

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from invoicetron.billing import money
from invoicetron.billing.models.common import (
    DiscountType,
    ImmutableDocument,
    currency_check,
    currency_field,
    discount_checks,
)
from invoicetron.billing.models.parties import Client, Product, number_or_client_contains
from invoicetron.billing.models.setup import NumberSeries, TaxRate, business_today


class InvoiceStatus(models.TextChoices):
    # A context: French and Spanish agree these with the invoice ("Payée", "Enviada"), unlike a
    # quote's or an email's statuses and the "Paid" amount on the totals.
    DRAFT = "draft", pgettext_lazy("invoice status", "Draft")
    ISSUED = "issued", pgettext_lazy("invoice status", "Issued")
    SENT = "sent", pgettext_lazy("invoice status", "Sent")
    PARTIALLY_PAID = "partially_paid", pgettext_lazy("invoice status", "Partially paid")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")
    # Balance cleared by credit notes alone.
    CREDITED = "credited", pgettext_lazy("invoice status", "Credited")


class InvoiceKind(models.TextChoices):
    """What an invoice is for; a deposit invoice asks for an advance payment (UNCL1001 386)."""

    STANDARD = "standard", _("Invoice")
    DEPOSIT = "deposit", _("Deposit invoice")


OPEN_STATUSES = (InvoiceStatus.ISSUED, InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID)


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def overdue(self, today: datetime.date) -> Self:
        return self.filter(status__in=OPEN_STATUSES, due_date__lt=today, balance_due__gt=0)

    def search(self, text: str) -> Self:
        """Invoices whose number or client's name contains `text` (`number_or_client_contains`:
        trigram indexes of migration 0007)."""
        return self.filter(number_or_client_contains(text))


class FrozenOnceIssued(models.Model):
    """Refuses (in Python; a database trigger refuses too) changes to an issued document.

    Only the fields in SETTLEMENT_FIELDS may still be saved, with `save(update_fields=…)`.
    """

    SETTLEMENT_FIELDS: ClassVar[frozenset[str]] = frozenset()
    _issued_when_loaded = False

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self._issued_when_loaded and (
            update_fields is None or not set(update_fields) <= self.SETTLEMENT_FIELDS
        ):
            raise ImmutableDocument(
                "An issued document cannot be changed; issue a credit note instead.",
                code="immutable",
            )
        super().save(*args, **kwargs)
        self._issued_when_loaded = self.is_frozen()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self._issued_when_loaded or self.is_frozen():
            raise ImmutableDocument("An issued document cannot be deleted.", code="immutable")
        return super().delete(*args, **kwargs)

    def is_frozen(self) -> bool:
        raise NotImplementedError

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> Self:
        instance = super().from_db(db, field_names, values)
        instance._issued_when_loaded = instance.is_frozen()
        return instance


class Invoice(FrozenOnceIssued):
    SETTLEMENT_FIELDS = frozenset(
        {"status", "sent_at", "amount_paid", "amount_credited", "balance_due", "updated_at"}
    )

    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="invoices")
    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="invoices")
    # A deposit invoice is numbered in the same series as every invoice: the law asks one gapless
    # sequence of invoices, and a deposit invoice is an invoice (its title says which kind).
    kind = models.CharField(
        max_length=16,
        choices=InvoiceKind.choices,
        default=InvoiceKind.STANDARD,
        db_default=InvoiceKind.STANDARD,
    )
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    # Empty until issue; then unique within the series.
    number = models.CharField(max_length=64, blank=True, default="")
    sequence = models.PositiveIntegerField(null=True, blank=True, editable=False)
    currency = currency_field()
    # Units of the base currency per unit of the invoice currency, recorded at issue.
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    prices_include_tax = models.BooleanField(default=False)
    discount_type = models.CharField(
        max_length=8, choices=DiscountType.choices, default=DiscountType.PERCENT
    )
    discount_value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    notes = models.TextField(blank=True)
    terms = models.TextField(blank=True)
    buyer_reference = models.CharField(
        max_length=200,
        blank=True,
        help_text="The client's reference (BT-10; XRechnung: Leitweg-ID).",
        db_default="",
    )
    order_reference = models.CharField(
        "purchase order",
        max_length=200,
        blank=True,
        help_text="The client's order number (BT-13).",
        db_default="",
    )
    # Document allowances and charges besides the discount (EN 16931 BG-20/BG-21), as entered:
    # [{"charge": bool, "reason": str, "reason_code": str, "kind": "percent"|"amount",
    #   "value": "12.50", "tax_rate": <TaxRate id> or null (spread over every rate)}].
    adjustments = models.JSONField(
        default=list, blank=True, db_default=models.Value([], models.JSONField())
    )
    # Business, client, lines, taxes and totals exactly as issued (amounts as strings).
    snapshot = models.JSONField(null=True, blank=True, editable=False)
    # Stored figures, kept current by the services, so that lists never recompute.
    net_total = models.DecimalField(
        max_digits=18, decimal_places=4, default=Decimal(0), editable=False
    )
    tax_total = models.DecimalField(
        max_digits=18, decimal_places=4, default=Decimal(0), editable=False
    )
    total = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0), editable=False)
    amount_paid = models.DecimalField(
        max_digits=18, decimal_places=4, default=Decimal(0), editable=False
    )
    amount_credited = models.DecimalField(
        max_digits=18, decimal_places=4, default=Decimal(0), editable=False
    )
    balance_due = models.DecimalField(
        max_digits=18, decimal_places=4, default=Decimal(0), editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ("-issue_date", "-sequence", "-id")
        constraints: ClassVar = [
            # A legal number is unique across all invoice series, not just within one.
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="billing_invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status=InvoiceStatus.DRAFT, number="")
                | (~models.Q(status=InvoiceStatus.DRAFT) & ~models.Q(number="")),
                name="billing_invoice_number_iff_issued",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_paid__gte=0, amount_credited__gte=0),
                name="billing_invoice_settlement_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(status=InvoiceStatus.DRAFT) | models.Q(balance_due__gte=0),
                name="billing_invoice_never_overpaid",
            ),
            currency_check("currency", "billing_invoice_currency_iso"),
            *discount_checks("billing_invoice"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["client", "-issue_date"]),
            # What is owed now (the aging report and the dashboard's receivables): only the open
            # invoices with a balance, with every column those sums read (an index-only scan).
            models.Index(
                fields=["client", "due_date"],
                include=["id", "balance_due", "exchange_rate", "issue_date"],
                condition=models.Q(balance_due__gt=0, status__in=OPEN_STATUSES),
                name="billing_invoice_owed",
            ),
            # The invoice list's order: its first page reads 25 index entries, not every invoice.
            models.Index(
                fields=["-issue_date", "-sequence", "-id"], name="billing_invoice_list_order"
            ),
            # The list's search (`number__icontains`, i.e. UPPER(number) LIKE UPPER('%q%')):
            # a trigram index answers it without reading every invoice (migration 0006).
            GinIndex(
                OpClass(Upper("number"), name="gin_trgm_ops"), name="billing_invoice_number_trgm"
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"Draft #{self.pk}"

    def is_frozen(self) -> bool:
        return self.status != InvoiceStatus.DRAFT

    @property
    def is_deposit(self) -> bool:
        return self.kind == InvoiceKind.DEPOSIT

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def credit_rounding(self) -> Decimal:
        """The separate rounding of the credit notes that closed the invoice (usually 0)."""
        return money.closing_rounding(
            self.total, self.amount_paid, self.amount_credited, self.balance_due
        )

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Derived, never stored: see the function `is_overdue` below. `today` defaults to the
        business's date (`business_today()`), not the server's."""
        return is_overdue(self.status, self.due_date, self.balance_due, today or business_today())

    def credit_refusal(self) -> str | None:
        """Why no credit note can be issued for this invoice now; None when one can.

        A credit note takes lines off the invoice; what it takes beyond the balance due (the
        invoice was paid) goes onto the client's credit (`services.create_credit_note`). The
        invoice page shows its "Credit note" button exactly when this is None; the credit page,
        its POST and the API refuse with this text otherwise."""
        if self.is_draft:
            return gettext(
                "A draft can simply be edited or deleted; credit notes correct issued invoices."
            )
        if self.balance_due > 0 or self.amount_paid > 0:
            return None
        return gettext(
            "Nothing is left to credit: credit notes already cover invoice %(number)s."
        ) % {"number": self.number}


def is_overdue(
    status: str, due_date: datetime.date | None, balance_due: Decimal, today: datetime.date
) -> bool:
    """Derived, never stored: open, with a balance, and past its due date. A function too, for
    lists that read an invoice's columns without building the model."""
    return status in OPEN_STATUSES and due_date is not None and due_date < today and balance_due > 0


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    description = models.TextField()
    # Never negative on an invoice: corrections are credit notes.
    quantity = models.DecimalField(
        max_digits=15, decimal_places=3, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(max_length=32, blank=True)
    unit_code = models.CharField(
        max_length=3, blank=True, db_default=""
    )  # UN/ECE Rec. 20; blank: from `unit`
    unit_price = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    # The unit price is for this many units (BT-149): 12 for a price per dozen.
    base_quantity = models.DecimalField(
        max_digits=15,
        decimal_places=3,
        default=Decimal(1),
        validators=[MinValueValidator(0)],
        db_default=Decimal(1),
    )
    # Line allowances and charges besides the discount (BG-27/BG-28), as entered:
    # [{"charge": bool, "reason": str, "reason_code": str, "kind": "percent"|"amount", "value"}].
    adjustments = models.JSONField(
        default=list, blank=True, db_default=models.Value([], models.JSONField())
    )
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
                condition=models.Q(quantity__gte=0),
                name="billing_invoiceline_quantity_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="billing_invoiceline_price_not_negative"
            ),
            *discount_checks("billing_invoiceline"),
        ]

    def __str__(self) -> str:
        return self.description[:60]
