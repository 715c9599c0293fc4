"""/api/v1/business: the business profile; owners change it with PATCH (the logo in the app)."""

from __future__ import annotations

import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router
from pydantic import StringConstraints

from invoicetron.api.fields import (
    COMMON_ERRORS,
    CurrencyCode,
    ShortText,
    Text,
    error_responses,
)
from invoicetron.api.routers.common import acting_owner, save
from invoicetron.api.routers.parties import AddressFields, AddressPatch
from invoicetron.billing.models import BusinessProfile

router = Router(tags=["Business profile"])
ERRORS = error_responses(*COMMON_ERRORS)

PaymentMeans = Literal["58", "30", "59", "48", "10", "1"]
EInvoiceFormatName = Literal["pdf", "facturx", "ubl"]
TaxId = Annotated[str, StringConstraints(max_length=64)]
Iban = Annotated[
    str,
    StringConstraints(max_length=42),
    Field(examples=["DE89370400440532013000"], description="Checked (mod 97); spaces dropped."),
]
Bic = Annotated[str, StringConstraints(max_length=14), Field(examples=["COBADEFFXXX"])]
Terms = Annotated[int, Field(ge=0, le=365)]
TimeZone = Annotated[str, StringConstraints(max_length=64), Field(examples=["Europe/Paris"])]
Locale = Annotated[
    str,
    StringConstraints(max_length=16),
    Field(
        description="A CLDR locale id (en, en_GB, de_DE, fr_FR, es_ES…), stored normalised: its "
        "language is the default of documents and the UI, and documents in it write numbers, "
        "amounts and dates its way.",
        examples=["de_DE"],
    ),
]
Email = Annotated[str, StringConstraints(max_length=254), Field(examples=["billing@example.com"])]
PAYMENT_MEANS_HELP = (
    "UNCL4461 code: 58 SEPA credit transfer, 30 credit transfer, 59 SEPA direct debit, "
    "48 bank card, 10 cash, 1 not defined."
)


class BusinessOut(AddressFields):
    name: str
    address: str
    tax_id: str = Field(description="VAT id with its country prefix (BT-31).")
    registration_id: str = Field(description="Legal registration id (BT-30).")
    email: str
    phone: str
    website: str
    base_currency: str
    default_payment_terms_days: int
    payment_instructions: str
    payment_means_code: PaymentMeans = Field(description=PAYMENT_MEANS_HELP)
    iban: str
    bic: str
    einvoice_format: EInvoiceFormatName = Field(
        description="The default e-invoice: plain PDF, Factur-X PDF, or PDF and UBL by email."
    )
    invoice_footer: str
    time_zone: str
    locale: str
    show_base_currency_totals: bool = Field(
        description="A foreign-currency invoice also shows its totals in the base currency."
    )
    has_logo: bool
    updated_at: datetime.datetime


class BusinessPatch(AddressPatch):
    """Only the fields sent change."""

    name: ShortText | None = None
    address: Text | None = None
    tax_id: TaxId | None = None
    registration_id: TaxId | None = None
    email: Email | None = None
    phone: Annotated[str, StringConstraints(max_length=64)] | None = None
    website: ShortText | None = None
    base_currency: CurrencyCode | None = None
    default_payment_terms_days: Terms | None = None
    payment_instructions: Text | None = None
    payment_means_code: PaymentMeans | None = Field(None, description=PAYMENT_MEANS_HELP)
    iban: Iban | None = None
    bic: Bic | None = None
    einvoice_format: EInvoiceFormatName | None = None
    invoice_footer: Text | None = None
    time_zone: TimeZone | None = None
    locale: Locale | None = None
    show_base_currency_totals: bool | None = None


def business_out(profile: BusinessProfile) -> BusinessOut:
    return BusinessOut(
        **{name: getattr(profile, name) for name in AddressFields.model_fields},
        name=profile.name,
        address=profile.address,
        tax_id=profile.tax_id,
        registration_id=profile.registration_id,
        email=profile.email,
        phone=profile.phone,
        website=profile.website,
        base_currency=profile.base_currency,
        default_payment_terms_days=profile.default_payment_terms_days,
        payment_instructions=profile.payment_instructions,
        payment_means_code=profile.payment_means_code,  # type: ignore[arg-type]
        iban=profile.iban,
        bic=profile.bic,
        einvoice_format=profile.einvoice_format,  # type: ignore[arg-type]
        invoice_footer=profile.invoice_footer,
        time_zone=profile.time_zone,
        locale=profile.locale,
        show_base_currency_totals=profile.show_base_currency_totals,
        has_logo=bool(profile.logo),
        updated_at=profile.updated_at,
    )


@router.get("", response={200: BusinessOut, **ERRORS})
def get_business(request: HttpRequest) -> BusinessOut:
    """The business that issues the invoices: name, addresses, ids, payment details, defaults."""
    return business_out(BusinessProfile.load())


@router.patch("", response={200: BusinessOut, **ERRORS})
def update_business(request: HttpRequest, payload: BusinessPatch) -> BusinessOut:
    """Change some fields (owners only). The e-invoice fields are checked as the app checks
    them: country (ISO 3166-1), electronic address scheme (EAS) with its id, IBAN, BIC."""
    owner = acting_owner(request)
    values = payload.model_dump(exclude_unset=True, exclude_none=True)
    return business_out(save(BusinessProfile.load(), values, by=owner))
