"""/api/v1/clients: who the business bills."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Query, Router, Status
from pydantic import StringConstraints

from invoicetron.api.fields import COMMON_ERRORS, Id, Text, error_responses
from invoicetron.api.pagination import Page, SyncParams, paginate, updated_since
from invoicetron.api.routers.common import acting_user, get_or_404, save
from invoicetron.api.routers.parties import (
    AddressFields,
    AddressIn,
    AddressPatch,
    RegistrationId,
)
from invoicetron.billing import services
from invoicetron.billing.models import Client

router = Router(tags=["Clients"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
TaxId = Annotated[str, StringConstraints(max_length=64)]
OptionalCurrency = Annotated[
    str,
    StringConstraints(pattern=r"^([A-Z]{3})?$"),
    Field(description="ISO 4217 code; empty means the business's base currency."),
]
DocumentLanguage = Annotated[
    str,
    StringConstraints(max_length=8),
    Field(
        description="The language of its documents and emails: "
        + ", ".join(code for code, _name in settings.LANGUAGES)
        + "; empty means the business's (its locale's language).",
        examples=["fr"],
    ),
]
Terms = Annotated[int, Field(ge=0, le=365, description="Days to pay; null: the business default.")]
BuyerReference = Annotated[
    str,
    StringConstraints(max_length=200),
    Field(description="BT-10, copied to each new invoice (XRechnung: the Leitweg-ID)."),
]


class ClientIn(AddressIn):
    name: Name = Field(examples=["Globex Corporation"])
    billing_address: Text = ""
    tax_id: TaxId = Field("", description="VAT id with its country prefix (BT-48).")
    registration_id: RegistrationId = ""
    buyer_reference: BuyerReference = ""
    currency: OptionalCurrency = ""
    language: DocumentLanguage = ""
    payment_terms_days: Terms | None = None
    notes: Text = ""


class ClientPatch(AddressPatch):
    name: Name | None = None
    billing_address: Text | None = None
    tax_id: TaxId | None = None
    registration_id: RegistrationId | None = None
    buyer_reference: BuyerReference | None = None
    currency: OptionalCurrency | None = None
    language: DocumentLanguage | None = None
    payment_terms_days: Terms | None = None
    notes: Text | None = None
    archived: bool | None = None


class ClientOut(AddressFields):
    id: int
    name: str
    billing_address: str
    tax_id: str
    registration_id: str
    buyer_reference: str
    currency: str
    language: str
    payment_terms_days: int | None
    notes: str
    archived: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class ClientFilters(SyncParams):
    archived: bool | None = Field(None, description="true: archived only; false: active only.")
    search: Annotated[str, StringConstraints(max_length=200)] | None = Field(
        None, description="Part of the name or tax id."
    )


def client_out(client: Client) -> ClientOut:
    return ClientOut(
        **{name: getattr(client, name) for name in AddressFields.model_fields},
        id=client.pk,
        name=client.name,
        billing_address=client.billing_address,
        tax_id=client.tax_id,
        registration_id=client.registration_id,
        buyer_reference=client.buyer_reference,
        currency=client.currency,
        language=client.language,
        payment_terms_days=client.payment_terms_days,
        notes=client.notes,
        archived=client.archived,
        created_at=client.created_at,
        updated_at=client.updated_at,
    )


@router.get("", response={200: Page[ClientOut], **ERRORS})
def list_clients(request: HttpRequest, filters: Query[ClientFilters]) -> dict[str, Any]:
    clients = updated_since(Client.objects.all(), filters.updated_since)
    if filters.archived is not None:
        clients = clients.filter(archived=filters.archived)
    if filters.search:
        clients = clients.filter(
            Q(name__icontains=filters.search) | Q(tax_id__icontains=filters.search)
        )
    return paginate(clients, filters, client_out)


@router.post("", response={201: ClientOut, **ERRORS})
def create_client(request: HttpRequest, payload: ClientIn) -> Status:
    client = save(Client(), payload.model_dump(), by=acting_user(request))
    return Status(201, client_out(client))


@router.get("/{id}", response={200: ClientOut, **ERRORS})
def get_client(request: HttpRequest, id: Id) -> ClientOut:
    return client_out(get_or_404(Client, id, "client"))


@router.patch("/{id}", response={200: ClientOut, **ERRORS})
def update_client(request: HttpRequest, id: Id, payload: ClientPatch) -> ClientOut:
    """Change some fields; send `payment_terms_days: null` to use the business default."""
    client = get_or_404(Client, id, "client")
    values = payload.model_dump(exclude_unset=True)
    values = {k: v for k, v in values.items() if v is not None or k == "payment_terms_days"}
    return client_out(save(client, values, by=acting_user(request)))


@router.delete("/{id}", response={200: ClientOut, 204: None, **ERRORS})
def delete_client(request: HttpRequest, id: Id) -> Status:
    """Delete a client without documents (204); a client with invoices is archived (200)."""
    client = get_or_404(Client, id, "client")
    if services.delete_client(client, by=acting_user(request)):
        return Status(204, None)
    client.refresh_from_db()
    return Status(200, client_out(client))
