"""A seller in France and a business client in Germany with every field EN 16931 needs (this
directory's tests build on them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from invoicetron.billing.models import BusinessProfile, Client, TaxRate
from tests.fixtures import factories

SELLER = {
    "street": "1 Rue de la Paix",
    "city": "Paris",
    "postcode": "75002",
    "country": "FR",
    "registration_id": "123456789",
    "endpoint_scheme": "EM",
    "endpoint_id": "billing@acme.example",
    "iban": "FR7630006000011234567890189",
    "bic": "AGRIFRPP",
}
BUYER = {
    "street": "Hauptstraße 5",
    "street_2": "Haus B",
    "city": "Berlin",
    "postcode": "10115",
    "country": "DE",
    "tax_id": "DE123456789",
    "endpoint_scheme": "9930",
    "endpoint_id": "DE123456789",
}


def seller(**fields: Any) -> BusinessProfile:
    return factories.business(**(SELLER | fields))


def buyer(**fields: Any) -> Client:
    return factories.client("Globex GmbH", **(BUYER | fields))


def vat(
    name: str = "VAT",
    rate: str = "20",
    category: str = "S",
    reason_code: str = "",
    reason: str = "",
) -> TaxRate:
    tax, _created = TaxRate.objects.update_or_create(
        name=name,
        rate=Decimal(rate),
        defaults={
            "category": category,
            "exemption_reason_code": reason_code,
            "exemption_reason": reason,
        },
    )
    return tax


def reverse_charge() -> TaxRate:
    return vat("Reverse charge", "0", "AE", "VATEX-EU-AE", "Reverse charge")
