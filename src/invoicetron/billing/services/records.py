"""Saving the simple records (profile, clients, contacts, products, tax rates, series, exchange
rates), audited."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing.models import (
    AuditAction,
    BusinessProfile,
    Client,
    Contact,
    ExchangeRate,
    InvoiceLine,
    NumberSeries,
    Product,
    TaxRate,
)
from invoicetron.billing.services.audit import changed_values, field_values, json_value, record

Record = TypeVar(
    "Record", BusinessProfile, Client, Contact, Product, TaxRate, NumberSeries, ExchangeRate
)
SIMPLE_RECORDS = (BusinessProfile, Client, Contact, Product, TaxRate, NumberSeries, ExchangeRate)


@transaction.atomic
def save_record(
    instance: Record, *, by: User | None, m2m: Mapping[str, Iterable[models.Model]] | None = None
) -> Record:
    """Validate (full_clean), save and audit a create or a change, with old and new values.

    `m2m` sets many-to-many fields after saving, e.g. {"default_taxes": [vat]} for a product.
    Invoices, credit notes and payments have their own services and are refused here.
    """
    if not isinstance(instance, SIMPLE_RECORDS):
        raise TypeError(f"{type(instance).__name__} is saved through its own billing service.")
    creating = instance.pk is None or not type(instance).objects.filter(pk=instance.pk).exists()
    old = {} if creating else _values(type(instance).objects.get(pk=instance.pk))
    # Hand over "default"/"primary" first (rolled back if validation fails below), so that the
    # one-per-kind and one-per-client constraints hold.
    if isinstance(instance, NumberSeries) and instance.is_default:
        NumberSeries.objects.filter(kind=instance.kind, is_default=True).exclude(
            pk=instance.pk
        ).update(is_default=False)
    if isinstance(instance, Contact):
        _prepare_primary(instance)
    instance.full_clean()
    instance.save()
    for name, values in (m2m or {}).items():
        getattr(instance, name).set(values)
    new = _values(instance)
    if creating:
        record(AuditAction.CREATE, instance, by=by, new=new)
    else:
        old_changed, new_changed = changed_values(old, new)
        if new_changed:
            record(AuditAction.CHANGE, instance, by=by, old=old_changed, new=new_changed)
    return instance


def _values(instance: models.Model) -> dict[str, Any]:
    values = field_values(instance, skip=("created_at", "updated_at", "singleton"))
    if instance.pk is not None:
        for relation in instance._meta.many_to_many:
            values[relation.name] = sorted(
                json_value(item) for item in getattr(instance, relation.name).all()
            )
    return values


def _prepare_primary(contact: Contact) -> None:
    """Keep exactly one primary contact per client: the first one, or the one just chosen."""
    others = Contact.objects.filter(client_id=contact.client_id).exclude(pk=contact.pk)
    if contact.is_primary:
        others.filter(is_primary=True).update(is_primary=False)
    elif not others.filter(is_primary=True).exists():
        if not contact.email and not others.exists():
            raise ValidationError(
                {"email": _("The client's first contact needs an email address.")}
            )
        if contact.email:
            contact.is_primary = True
        else:
            raise ValidationError({"is_primary": _("Choose another primary contact first.")})
    if contact.is_primary and not contact.email:
        raise ValidationError({"email": _("The primary contact needs an email address.")})


@transaction.atomic
def delete_contact(contact: Contact, *, by: User | None) -> None:
    """Delete a contact; if it was the primary one, the next contact with an email takes over."""
    old = _values(contact)
    was_primary = contact.is_primary
    client_id = contact.client_id
    record(AuditAction.DELETE, contact, by=by, old=old)
    contact.delete()
    if was_primary:
        successor = Contact.objects.filter(client_id=client_id).exclude(email="").first()
        if successor is not None:
            successor.is_primary = True
            successor.save(update_fields=["is_primary"])


@transaction.atomic
def delete_client(client: Client, *, by: User | None) -> bool:
    """Delete a client without documents; archive one with documents. True when deleted."""
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if locked.invoices.exists():
        if not locked.archived:
            locked.archived = True
            locked.save(update_fields=["archived", "updated_at"])
            record(
                AuditAction.ARCHIVE, locked, by=by, old={"archived": False}, new={"archived": True}
            )
        client.archived = True
        return False
    record(AuditAction.DELETE, locked, by=by, old=_values(locked))
    locked.delete()
    return True


def deletion_refusal(instance: Product | TaxRate | NumberSeries) -> str | None:
    """Why `instance` cannot be deleted (something uses it), or None when it can."""
    if isinstance(instance, TaxRate) and (
        instance.products.exists()
        or InvoiceLine.taxes.through.objects.filter(taxrate=instance).exists()
    ):
        return _("This tax rate is in use; deactivate it instead.")
    if isinstance(instance, NumberSeries) and (
        instance.invoices.exists() or instance.credit_notes.exists()
    ):
        return _("This series has numbered documents and cannot be deleted.")
    return None


@transaction.atomic
def delete_record(instance: Product | TaxRate | NumberSeries, *, by: User | None) -> None:
    """Delete a product, tax rate or series that nothing uses (else: archive/deactivate it)."""
    refusal = deletion_refusal(instance)
    if refusal:
        raise ValidationError(refusal)
    record(AuditAction.DELETE, instance, by=by, old=_values(instance))
    instance.delete()
