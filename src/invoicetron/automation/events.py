"""Billing and quote events for webhooks, read from the audit trail as it is written.

Every billing service writes one audit event inside its transaction; a `post_save` on
AuditEvent turns the ones webhooks care about into deliveries in that same transaction. A signal,
not the registry of document types: billing announces that something happened, to whoever
listens (connected in AutomationConfig.ready()).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from invoicetron.billing.models import AuditEvent


def events_for(audit: AuditEvent) -> list[str]:
    values = audit.new_values or {}
    kind = (audit.object_type, audit.action)
    if kind == ("billing.invoice", "issue"):
        return ["invoice.issued"] + (["invoice.paid"] if values.get("status") == "paid" else [])
    if kind == ("billing.invoice", "send"):
        return ["invoice.sent"]
    if kind == ("billing.payment", "payment"):
        return ["payment.created"] + (["invoice.paid"] if values.get("status") == "paid" else [])
    if kind == ("billing.creditnote", "credit"):
        return ["credit_note.issued"]
    if kind == ("quotes.quote", "accept"):
        return ["quote.accepted"]
    return []


def payload_data(audit: AuditEvent) -> dict[str, Any]:
    return {
        "object": audit.object_type.split(".")[1],
        "id": audit.object_id,
        "label": audit.object_repr,
        "invoice_id": audit.invoice_id,
        "values": audit.new_values,
    }


def on_audit_event(sender: Any, instance: AuditEvent, created: bool, **kwargs: Any) -> None:
    if not created:
        return
    from invoicetron.automation.webhooks import emit

    for event in events_for(instance):
        emit(event, payload_data(instance))


def connect() -> None:
    post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="automation.webhooks")
