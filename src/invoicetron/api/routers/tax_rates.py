"""/api/v1/tax-rates: the tax rates lines and products carry (percent)."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from invoicetron.api.fields import COMMON_ERRORS, DecimalString, Id, Input, error_responses, plain
from invoicetron.api.pagination import Page, PageParams, paginate
from invoicetron.api.routers.common import acting_owner, delete_or_conflict, get_or_404, save
from invoicetron.billing.models import TaxRate

router = Router(tags=["Tax rates"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
Name = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Category = Annotated[
    Literal["S", "Z", "E", "AE", "K", "G", "O", "L", "M"],
    Field(
        description="EN 16931 VAT category: S standard, Z zero rated, E exempt, AE reverse "
        "charge, K intra-community, G export, O out of scope, L Canary Islands, M Ceuta and "
        "Melilla. Z, E, AE, K, G and O have a rate of 0; S a rate above 0."
    ),
]
ReasonCode = Annotated[
    str,
    StringConstraints(max_length=32),
    Field(examples=["VATEX-EU-AE"], description="VATEX code (BT-121), for E, AE, K, G, O."),
]
Reason = Annotated[
    str,
    StringConstraints(max_length=200),
    Field(examples=["Reverse charge"], description="Exemption reason text (BT-120)."),
]


class TaxRateIn(Input):
    name: Name = Field(examples=["VAT"])
    rate: DecimalString = Field(examples=["20"], description="Percent, 0 to 100.")
    active: bool = True
    category: Category = "S"
    exemption_reason_code: ReasonCode = ""
    exemption_reason: Reason = ""


class TaxRatePatch(Input):
    name: Name | None = None
    rate: DecimalString | None = None
    active: bool | None = None
    category: Category | None = None
    exemption_reason_code: ReasonCode | None = None
    exemption_reason: Reason | None = None


class TaxRateOut(Schema):
    id: int
    name: str
    rate: str
    active: bool
    category: Category
    exemption_reason_code: str
    exemption_reason: str
    created_at: datetime.datetime


class TaxRateFilters(PageParams):
    active: bool | None = None


def tax_rate_out(tax: TaxRate) -> TaxRateOut:
    return TaxRateOut(
        id=tax.pk,
        name=tax.name,
        rate=plain(tax.rate) or "0",
        active=tax.active,
        category=tax.category,  # type: ignore[arg-type]
        exemption_reason_code=tax.exemption_reason_code,
        exemption_reason=tax.exemption_reason,
        created_at=tax.created_at,
    )


@router.get("", response={200: Page[TaxRateOut], **ERRORS})
def list_tax_rates(request: HttpRequest, filters: Query[TaxRateFilters]) -> dict[str, Any]:
    taxes = TaxRate.objects.all()
    if filters.active is not None:
        taxes = taxes.filter(active=filters.active)
    return paginate(taxes, filters, tax_rate_out)


@router.post("", response={201: TaxRateOut, **ERRORS})
def create_tax_rate(request: HttpRequest, payload: TaxRateIn) -> Status:
    tax = save(TaxRate(), payload.model_dump(), by=acting_owner(request))
    return Status(201, tax_rate_out(tax))


@router.get("/{id}", response={200: TaxRateOut, **ERRORS})
def get_tax_rate(request: HttpRequest, id: Id) -> TaxRateOut:
    return tax_rate_out(get_or_404(TaxRate, id, "tax rate"))


@router.patch("/{id}", response={200: TaxRateOut, **ERRORS})
def update_tax_rate(request: HttpRequest, id: Id, payload: TaxRatePatch) -> TaxRateOut:
    tax = get_or_404(TaxRate, id, "tax rate")
    values = payload.model_dump(exclude_unset=True, exclude_none=True)
    return tax_rate_out(save(tax, values, by=acting_owner(request)))


@router.delete("/{id}", response={204: None, **error_responses(*COMMON_ERRORS, 404, 409)})
def delete_tax_rate(request: HttpRequest, id: Id) -> Status:
    """Delete an unused tax rate; one in use is refused (409): deactivate it instead."""
    delete_or_conflict(get_or_404(TaxRate, id, "tax rate"), by=acting_owner(request))
    return Status(204, None)
