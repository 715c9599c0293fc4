"""/api/v1/products: what the business sells, with a unit price and default taxes."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from invoicetron.api.fields import (
    COMMON_ERRORS,
    DecimalString,
    Id,
    Input,
    Text,
    error_responses,
    plain,
)
from invoicetron.api.pagination import Page, SyncParams, paginate, updated_since
from invoicetron.api.routers.common import (
    acting_user,
    delete_or_conflict,
    get_or_404,
    save,
    tax_rates,
)
from invoicetron.billing.models import Product

router = Router(tags=["Products"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Unit = Annotated[str, StringConstraints(max_length=32), Field(examples=["hour"])]
TaxIds = Annotated[list[Id], Field(max_length=20)]
UnitCode = Annotated[
    str,
    StringConstraints(max_length=3),
    Field(examples=["HUR"], description="UN/ECE Rec. 20 code: HUR hour, DAY day, C62 one…"),
]


class ProductIn(Input):
    name: Name = Field(examples=["Design work"])
    description: Text = ""
    unit: Unit = ""
    unit_code: UnitCode = ""
    unit_price: DecimalString = Field(examples=["80.00"])
    default_tax_ids: Annotated[list[Id], Field(max_length=20, default_factory=list)]
    archived: bool = False


class ProductPatch(Input):
    name: Name | None = None
    description: Text | None = None
    unit: Unit | None = None
    unit_code: UnitCode | None = None
    unit_price: DecimalString | None = None
    default_tax_ids: TaxIds | None = None
    archived: bool | None = None


class ProductOut(Schema):
    id: int
    name: str
    description: str
    unit: str
    unit_code: str
    unit_price: str
    default_tax_ids: list[int]
    archived: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ProductFilters(SyncParams):
    archived: bool | None = None


def product_out(product: Product) -> ProductOut:
    return ProductOut(
        id=product.pk,
        name=product.name,
        description=product.description,
        unit=product.unit,
        unit_code=product.unit_code,
        unit_price=plain(product.unit_price) or "0",
        default_tax_ids=sorted(tax.pk for tax in product.default_taxes.all()),
        archived=product.archived,
        created_at=product.created_at,
        updated_at=product.updated_at,
    )


@router.get("", response={200: Page[ProductOut], **ERRORS})
def list_products(request: HttpRequest, filters: Query[ProductFilters]) -> dict[str, Any]:
    products = updated_since(
        Product.objects.prefetch_related("default_taxes"), filters.updated_since
    )
    if filters.archived is not None:
        products = products.filter(archived=filters.archived)
    return paginate(products, filters, product_out)


@router.post("", response={201: ProductOut, **ERRORS})
def create_product(request: HttpRequest, payload: ProductIn) -> Status:
    taxes = tax_rates(payload.default_tax_ids, "default_tax_ids")
    values = payload.model_dump(exclude={"default_tax_ids"})
    product = save(Product(), values, by=acting_user(request), m2m={"default_taxes": taxes})
    return Status(201, product_out(product))


@router.get("/{id}", response={200: ProductOut, **ERRORS})
def get_product(request: HttpRequest, id: Id) -> ProductOut:
    return product_out(get_or_404(Product, id, "product"))


@router.patch("/{id}", response={200: ProductOut, **ERRORS})
def update_product(request: HttpRequest, id: Id, payload: ProductPatch) -> ProductOut:
    product = get_or_404(Product, id, "product")
    values = payload.model_dump(exclude_unset=True, exclude_none=True)
    tax_ids = values.pop("default_tax_ids", None)
    m2m = None if tax_ids is None else {"default_taxes": tax_rates(tax_ids, "default_tax_ids")}
    return product_out(save(product, values, by=acting_user(request), m2m=m2m))


@router.delete("/{id}", response={204: None, **error_responses(*COMMON_ERRORS, 404, 409)})
def delete_product(request: HttpRequest, id: Id) -> Status:
    """Delete a product (lines that used it keep their own copy); or archive it with PATCH."""
    delete_or_conflict(get_or_404(Product, id, "product"), by=acting_user(request))
    return Status(204, None)
