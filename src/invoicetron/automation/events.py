"""Billing and quote events for webhooks, read from the audit trail as it is written.

Every billing service writes one audit event inside its transaction; a `post_save` on
AuditEvent turns the ones webhooks care about into deliveries in that same transaction. A signal,
not the registry of document types: billing announces that something happened, to whoever
listens (connected in AutomationConfig.ready()).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from invoicetron.billing.models import (
    AuditAction,
    AuditEvent,
    CreditNote,
    Invoice,
    InvoiceStatus,
    Payment,
)
from invoicetron.quotes.models import Quote

# The webhook event of each (object_type, action) pair the audit trail records.
EVENTS: dict[tuple[str, str], str] = {
    (Invoice._meta.label_lower, AuditAction.ISSUE): "invoice.issued",
    (Invoice._meta.label_lower, AuditAction.SEND): "invoice.sent",
    (Payment._meta.label_lower, AuditAction.PAYMENT): "payment.created",
    (CreditNote._meta.label_lower, AuditAction.CREDIT): "credit_note.issued",
    (Quote._meta.label_lower, AuditAction.ACCEPT): "quote.accepted",
}
# Events that can settle an invoice: then "invoice.paid" follows.
SETTLING = frozenset({"invoice.issued", "payment.created"})


def events_for(audit: AuditEvent) -> list[str]:
    event = EVENTS.get((audit.object_type, audit.action))
    if event is None:
        return []
    paid = (audit.new_values or {}).get("status") == InvoiceStatus.PAID
    return [event, "invoice.paid"] if paid and event in SETTLING else [event]


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
