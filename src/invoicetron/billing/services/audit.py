"""Writing the audit trail. Every service that changes billing data calls `record` once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from invoicetron.accounts.models import User
from invoicetron.billing.models import AuditAction, AuditEvent


def json_value(value: Any) -> Any:
    """A JSON-safe form of a field value: amounts and dates as strings, models as their id."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return f"<{len(bytes(value))} bytes>"
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Mapping):
        return {str(key): json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_value(item) for item in value]
    return value


def field_values(instance: models.Model, *, skip: Iterable[str] = ()) -> dict[str, Any]:
    """The concrete field values of `instance`, JSON-safe, keyed by field name."""
    skipped = set(skip)
    return {
        field.name: json_value(_column_value(field, field.value_from_object(instance)))
        for field in instance._meta.concrete_fields
        if field.name not in skipped and not field.auto_created
    }


def _column_value(field: models.Field[Any, Any], value: Any) -> Any:
    """Decimals as the column stores them, so that an unchanged 10.5 and 10.5000 compare equal."""
    if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
        return value.quantize(Decimal(1).scaleb(-(field.decimal_places or 0)))
    return value


def changed_values(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose values differ, as (old, new)."""
    keys = [key for key in new.keys() | old.keys() if old.get(key) != new.get(key)]
    return {k: old.get(k) for k in sorted(keys)}, {k: new.get(k) for k in sorted(keys)}


def record(
    action: AuditAction,
    target: models.Model,
    *,
    by: User | None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    invoice_id: int | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=by,
        actor_label=by.email if by is not None else "system",
        action=action,
        object_type=target._meta.label_lower,
        object_id=str(target.pk),
        object_repr=str(target)[:200],
        invoice_id=invoice_id,
        old_values=json_value(dict(old or {})),
        new_values=json_value(dict(new or {})),
    )


def events_for_invoice(invoice_id: int) -> models.QuerySet[AuditEvent]:
    """The invoice's trail: its own events and those of its lines, payments and credit notes."""
    return AuditEvent.objects.filter(invoice_id=invoice_id)
