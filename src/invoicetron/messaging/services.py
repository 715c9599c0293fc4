"""Email services: queue an email about a document, retry a failed one, and read the log.

- `queue_email(document, *, by, kind=None, recipients=None) -> Delivery` — renders the subject
  and body now (the client's link is added by the worker when it sends: see delivery.py),
  records a queued delivery and queues the job in the caller's transaction.
- `retry_delivery(delivery, *, by) -> Delivery` — queue a failed delivery again.
- `failed_deliveries() -> QuerySet[Delivery]` — every failed email, newest first (dashboard).
- `deliveries_for(document) -> QuerySet[Delivery]` — one document's log, newest first.
- `deliveries_for_invoice(invoice_id)` — an invoice's emails, its reminders included.
- `save_template(kind, *, subject, body, by, language) -> EmailTemplate` — the template of one
  kind for documents in one language; ValidationError naming the allowed placeholders when the
  template uses anything else (templates.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import documents
from invoicetron.billing.models import AuditAction
from invoicetron.billing.services.audit import record
from invoicetron.jobs.queue import defer
from invoicetron.messaging.delivery import LINK_MARK
from invoicetron.messaging.models import (
    Delivery,
    DeliveryStatus,
    EmailTemplate,
    MessageKind,
)
from invoicetron.messaging.placeholders import document_locale, values_for
from invoicetron.messaging.templates import render_message, validate_template


def email_contacts(client: Any) -> list[Any]:
    """Every contact of the client with an email address, the primary contact first."""
    return [contact for contact in client.contacts.all() if contact.email]


def recipients_of(client: Any) -> list[str]:
    """Their addresses: whom an email goes to unless the sender picks."""
    return [contact.email for contact in email_contacts(client)]


def message_context(
    document: models.Model, recipients: Sequence[str] = (), **extra: Any
) -> dict[str, Any]:
    """The email's values; the link is a mark the worker replaces when it sends (see delivery)."""
    return values_for(document, link=LINK_MARK, recipients=recipients, **extra)


@transaction.atomic
def queue_email(
    document: models.Model,
    *,
    by: User | None,
    kind: str | None = None,
    recipients: Sequence[str] | None = None,
    extra_context: dict[str, Any] | None = None,
) -> Delivery:
    document_type = documents.for_object(document)
    refusal = document_type.can_send(document)
    if refusal:
        raise ValidationError(refusal, code="not_sendable")
    addresses = list(recipients or recipients_of(document_type.client(document)))
    if not addresses:
        raise ValidationError(
            {"recipients": _("The client has no contact with an email address; add one first.")}
        )
    kind = kind or document_type.kind
    context = message_context(document, addresses, **(extra_context or {}))
    # In the document's language: the client's, as its PDF and public page speak it.
    subject, body = render_message(kind, context, document_locale(document).language)
    delivery = Delivery.objects.create(
        kind=kind,
        document_type=document_type.label,
        document_id=document.pk,
        document_label=str(document)[:64],
        invoice_id=document_type.invoice_id(document),
        recipients=addresses,
        subject=subject,
        body=body,
        created_by=by,
    )
    _queue(delivery)
    record(
        AuditAction.EMAIL,
        document,
        by=by,
        new={"kind": kind, "recipients": addresses, "subject": subject},
        invoice_id=delivery.invoice_id,
    )
    return delivery


def _queue(delivery: Delivery) -> None:
    from invoicetron.messaging.tasks import send_delivery

    defer(send_delivery, delivery_id=delivery.pk)


@transaction.atomic
def retry_delivery(delivery: Delivery, *, by: User | None) -> Delivery:
    locked = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != DeliveryStatus.FAILED:
        raise ValidationError(_("Only a failed email can be sent again."), code="not_failed")
    locked.status = DeliveryStatus.QUEUED
    locked.next_attempt_at = None
    locked.save(update_fields=["status", "next_attempt_at", "updated_at"])
    _queue(locked)
    return locked


def failed_deliveries() -> models.QuerySet[Delivery]:
    """Emails that failed for good (no retry left): never silent, shown on the dashboard."""
    return Delivery.objects.filter(status=DeliveryStatus.FAILED)


def deliveries_for(document: models.Model) -> models.QuerySet[Delivery]:
    return Delivery.objects.filter(
        document_type=document._meta.label_lower, document_id=document.pk
    )


def deliveries_for_invoice(invoice_id: int) -> models.QuerySet[Delivery]:
    return Delivery.objects.filter(invoice_id=invoice_id)


@transaction.atomic
def save_template(
    kind: str, *, subject: str, body: str, by: User | None, language: str = "en"
) -> EmailTemplate:
    """The owner's template of `kind` for documents in `language` (settings.LANGUAGES)."""
    if kind not in MessageKind.values:
        raise ValidationError({"kind": "Unknown kind of message."})
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": "Unknown language."})
    validate_template(kind, subject, body)
    template, _created = EmailTemplate.objects.update_or_create(
        kind=kind, language=language, defaults={"subject": subject.strip(), "body": body}
    )
    record(
        AuditAction.CHANGE,
        template,
        by=by,
        new={"language": language, "subject": template.subject},
    )
    return template
