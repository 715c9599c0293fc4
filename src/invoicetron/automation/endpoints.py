"""Webhook endpoints from the settings pages: register (the secret is made here and shown
once), change, delete, and send a failed delivery again."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.automation.destinations import RefusedDestination, check_destination
from invoicetron.automation.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from invoicetron.automation.webhooks import EVENTS, new_secret, send_webhook
from invoicetron.billing.models import AuditAction
from invoicetron.billing.services.audit import record
from invoicetron.jobs.queue import defer


def _checked_events(events: Sequence[str]) -> list[str]:
    unknown = [event for event in events if event not in EVENTS]
    if unknown:
        raise ValidationError(
            {"events": _("Unknown events: %(events)s.") % {"events": ", ".join(unknown)}}
        )
    return list(events)


@transaction.atomic
def save_endpoint(
    endpoint: WebhookEndpoint | None,
    *,
    url: str,
    events: Sequence[str],
    active: bool = True,
    by: User | None,
) -> WebhookEndpoint:
    if not url.startswith(("https://", "http://")):
        raise ValidationError({"url": _("Enter an http or https address.")})
    try:
        check_destination(url, unresolved_ok=True)
    except RefusedDestination as error:
        raise ValidationError({"url": str(error)}) from error
    creating = endpoint is None
    endpoint = endpoint or WebhookEndpoint(secret=new_secret())
    endpoint.url, endpoint.events, endpoint.active = url, _checked_events(events), active
    endpoint.full_clean()
    endpoint.save()
    action = AuditAction.CREATE if creating else AuditAction.CHANGE
    record(action, endpoint, by=by, new={"url": url, "events": endpoint.events, "active": active})
    return endpoint


@transaction.atomic
def delete_endpoint(endpoint: WebhookEndpoint, *, by: User | None) -> None:
    record(AuditAction.DELETE, endpoint, by=by, old={"url": endpoint.url})
    endpoint.delete()


@transaction.atomic
def retry_webhook(delivery: WebhookDelivery, *, by: User | None) -> WebhookDelivery:
    """Queue a failed delivery once more (one more attempt, in this transaction)."""
    locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    if locked.status != WebhookStatus.FAILED:
        raise ValidationError(_("Only a failed delivery can be sent again."), code="not_failed")
    locked.status, locked.next_attempt_at = WebhookStatus.RETRYING, None
    locked.save(update_fields=["status", "next_attempt_at"])
    defer(send_webhook, delivery_id=locked.pk)
    record(AuditAction.CHANGE, locked, by=by, new={"retry": locked.event})
    return locked
