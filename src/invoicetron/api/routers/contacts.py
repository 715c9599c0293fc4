"""/api/v1/contacts: people at a client; the primary contact's email receives invoices."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import StringConstraints

from invoicetron.api.fields import COMMON_ERRORS, Id, Input, error_responses
from invoicetron.api.pagination import Page, PageParams, paginate
from invoicetron.api.routers.common import acting_user, get_or_404, referenced, save
from invoicetron.billing import services
from invoicetron.billing.models import Client, Contact

router = Router(tags=["Contacts"])
ERRORS = error_responses(*COMMON_ERRORS, 404)
Name = Annotated[str, StringConstraints(max_length=200)]
Email = Annotated[str, StringConstraints(max_length=254), Field(examples=["ap@globex.example"])]
Phone = Annotated[str, StringConstraints(max_length=64)]


class ContactIn(Input):
    client_id: Id
    name: Name = ""
    email: Email = ""
    phone: Phone = ""
    is_primary: bool = Field(False, description="The client's first contact becomes primary.")


class ContactPatch(Input):
    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    is_primary: bool | None = None


class ContactOut(Schema):
    id: int
    client_id: int
    name: str
    email: str
    phone: str
    is_primary: bool


class ContactFilters(PageParams):
    client_id: Id | None = None


def contact_out(contact: Contact) -> ContactOut:
    return ContactOut(
        id=contact.pk,
        client_id=contact.client_id,
        name=contact.name,
        email=contact.email,
        phone=contact.phone,
        is_primary=contact.is_primary,
    )


@router.get("", response={200: Page[ContactOut], **ERRORS})
def list_contacts(request: HttpRequest, filters: Query[ContactFilters]) -> dict[str, Any]:
    contacts = Contact.objects.all()
    if filters.client_id is not None:
        contacts = contacts.filter(client_id=filters.client_id)
    return paginate(contacts, filters, contact_out)


@router.post("", response={201: ContactOut, **ERRORS})
def create_contact(request: HttpRequest, payload: ContactIn) -> Status:
    client = referenced(Client, payload.client_id, "client_id", "client")
    values = payload.model_dump(exclude={"client_id"}) | {"client": client}
    return Status(201, contact_out(save(Contact(), values, by=acting_user(request))))


@router.get("/{id}", response={200: ContactOut, **ERRORS})
def get_contact(request: HttpRequest, id: Id) -> ContactOut:
    return contact_out(get_or_404(Contact, id, "contact"))


@router.patch("/{id}", response={200: ContactOut, **ERRORS})
def update_contact(request: HttpRequest, id: Id, payload: ContactPatch) -> ContactOut:
    contact = get_or_404(Contact, id, "contact")
    values = payload.model_dump(exclude_unset=True, exclude_none=True)
    return contact_out(save(contact, values, by=acting_user(request)))


@router.delete("/{id}", response={204: None, **ERRORS})
def delete_contact(request: HttpRequest, id: Id) -> Status:
    """Delete a contact; if it was primary, the next contact with an email takes over."""
    services.delete_contact(get_or_404(Contact, id, "contact"), by=acting_user(request))
    return Status(204, None)
