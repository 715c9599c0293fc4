"""Who the business bills (clients and their contacts) and what it sells (products)."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper

from invoicetron.billing.models.common import currency_check, currency_field
from invoicetron.billing.models.setup import BusinessProfile, PostalAddress, TaxRate
from invoicetron.billing.validation import checked_unit_code, text_value


class Client(PostalAddress):
    """A client with documents is archived, never deleted (documents PROTECT it)."""

    name = models.CharField(max_length=200)
    billing_address = models.TextField(blank=True)
    # The VAT identifier with its country prefix (BT-48), e.g. FR12345678901.
    tax_id = models.CharField("VAT id", max_length=64, blank=True)
    registration_id = models.CharField(
        "legal registration id", max_length=64, blank=True, db_default=""
    )
    # The reference the client asks invoices to carry (BT-10; XRechnung's Leitweg-ID), copied
    # to each new invoice.
    buyer_reference = models.CharField(max_length=200, blank=True, db_default="")
    # Blank means the business's base currency; each invoice records its own currency anyway.
    currency = currency_field(blank=True)
    # Null means the business's default payment terms.
    payment_terms_days = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(365)]
    )
    notes = models.TextField(blank=True)
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")
        constraints: ClassVar = [
            currency_check("currency", "billing_client_currency_iso", allow_blank=True)
        ]
        indexes: ClassVar = [
            models.Index(fields=["archived", "name"]),
            # Searches by name (`name__icontains`) in the client and invoice lists (migration 0006).
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="billing_client_name_trgm"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def primary_contact(self) -> Contact | None:
        return next((c for c in self.contacts.all() if c.is_primary), None)


def document_currency(
    client: Client | None, chosen: str | None = None, *, profile: BusinessProfile | None = None
) -> str:
    """The currency of a new document: the one chosen, else the client's, else the business's
    base currency (`profile`, when the caller has it loaded already)."""
    if chosen:
        return chosen
    if client is not None and client.currency:
        return client.currency
    return (profile or BusinessProfile.load()).base_currency


class Contact(models.Model):
    """A person at a client; exactly one contact per client (the first) is the primary email."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=64, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ("-is_primary", "name", "id")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["client"],
                condition=models.Q(is_primary=True),
                name="billing_contact_one_primary",
            ),
            models.CheckConstraint(
                condition=models.Q(is_primary=False) | ~models.Q(email=""),
                name="billing_contact_primary_has_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email


class Product(models.Model):
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    unit = models.CharField(max_length=32, blank=True, help_text="hour, day, piece…")
    unit_code = models.CharField(
        max_length=3,
        blank=True,
        help_text="UN/ECE Rec. 20 unit code: HUR hour, DAY day, C62 one…",
        db_default="",
    )
    unit_price = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    default_taxes = models.ManyToManyField(TaxRate, blank=True, related_name="products")
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "id")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="billing_product_price_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """The unit code is blank or 2-3 letters or digits (UN/ECE Recommendation 20)."""
        self.unit_code = checked_unit_code(text_value(self.unit_code))
