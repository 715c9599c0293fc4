"""Plain functions that build billing objects for tests (the UI tests reuse them)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    Contact,
    Invoice,
    Product,
    TaxRate,
)


def business(**fields: Any) -> BusinessProfile:
    profile = BusinessProfile.load()
    values = {
        "name": "Acme Studio",
        "address": "1 Rue de la Paix\n75002 Paris\nFrance",
        "tax_id": "FR12345678901",
        "email": "billing@acme.example",
        "base_currency": "EUR",
        "payment_instructions": "IBAN FR76 3000 6000 0112 3456 7890 189",
        "invoice_footer": "Acme Studio SARL, capital 10 000 EUR",
        "time_zone": "Europe/Paris",
    } | fields
    for name, value in values.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def tax_rate(name: str = "VAT", rate: str = "20") -> TaxRate:
    tax, _created = TaxRate.objects.get_or_create(name=name, rate=Decimal(rate))
    return tax


def client(name: str = "Globex Corporation", **fields: Any) -> Client:
    email = fields.pop("email", "ap@globex.example")
    record = Client.objects.create(
        name=name, billing_address="42 Main Street\nSpringfield", **fields
    )
    Contact.objects.create(client=record, name="Hank Scorpio", email=email, is_primary=True)
    return record


def product(name: str = "Design work", unit_price: str = "80", **fields: Any) -> Product:
    taxes = fields.pop("taxes", ())
    record = Product.objects.create(
        name=name, unit=fields.pop("unit", "hour"), unit_price=Decimal(unit_price), **fields
    )
    record.default_taxes.set(taxes)
    return record


def line(
    description: str = "Design work",
    quantity: str = "1",
    unit_price: str = "100",
    taxes: Sequence[TaxRate] = (),
    **fields: Any,
) -> services.LineData:
    return services.LineData(
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        taxes=tuple(taxes),
        **fields,
    )


def draft(
    by: User | None = None,
    *,
    lines: Sequence[services.LineData] | None = None,
    for_client: Client | None = None,
    **fields: Any,
) -> Invoice:
    """A draft with two taxed lines unless `lines` is given: 3 h at 80 + 1 licence at 120."""
    if lines is None:
        vat = tax_rate()
        lines = [
            line("Design work", "3", "80", [vat], unit="hour"),
            line("Font licence", "1", "120", [vat]),
        ]
    return services.create_draft(client=for_client or client(), by=by, lines=lines, **fields)


def issued_invoice(by: User | None = None, **fields: Any) -> Invoice:
    invoice = draft(by, **fields)
    return services.issue_invoice(invoice, by=by)
