"""GET /api/v1/business: the business profile (read only; owners edit it in the app)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from invoicetron.api.fields import COMMON_ERRORS, error_responses
from invoicetron.billing.models import BusinessProfile

router = Router(tags=["Business profile"])


class BusinessOut(Schema):
    name: str
    address: str
    tax_id: str
    email: str
    phone: str
    website: str
    base_currency: str
    default_payment_terms_days: int
    payment_instructions: str
    invoice_footer: str
    time_zone: str
    locale: str
    has_logo: bool
    updated_at: datetime.datetime


@router.get("", response={200: BusinessOut, **error_responses(*COMMON_ERRORS)})
def get_business(request: HttpRequest) -> BusinessOut:
    """The business that issues the invoices: name, address, base currency, payment terms."""
    profile = BusinessProfile.load()
    return BusinessOut(
        name=profile.name,
        address=profile.address,
        tax_id=profile.tax_id,
        email=profile.email,
        phone=profile.phone,
        website=profile.website,
        base_currency=profile.base_currency,
        default_payment_terms_days=profile.default_payment_terms_days,
        payment_instructions=profile.payment_instructions,
        invoice_footer=profile.invoice_footer,
        time_zone=profile.time_zone,
        locale=profile.locale,
        has_logo=bool(profile.logo),
        updated_at=profile.updated_at,
    )
