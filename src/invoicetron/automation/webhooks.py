"""Webhooks: signed JSON events, queued in the transaction of the change, retried with backoff.

Each request carries `Invoicetron-Event`, `Invoicetron-Delivery` (the event's id),
`Invoicetron-Timestamp` (Unix seconds) and `Invoicetron-Signature: v1=<hex>`, where hex is
HMAC-SHA256 with the endpoint's secret over `"<timestamp>.<raw body>"`. A receiver recomputes it
over the raw body, compares in constant time, and refuses timestamps older than a few minutes.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from invoicetron.automation.destinations import RefusedDestination, check_destination
from invoicetron.automation.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from invoicetron.automation.queue import defer

EVENTS = (
    "invoice.issued",
    "invoice.sent",
    "invoice.paid",
    "payment.created",
    "credit_note.issued",
    "quote.accepted",
)
RETRY_DELAYS = (30, 120, 600, 3600, 21600)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
TIMEOUT_SECONDS = 10


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return "v1=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def emit(event: str, data: dict[str, Any]) -> list[WebhookDelivery]:
    """Queue `event` for every active endpoint that wants it (call inside the change's
    transaction: a rolled-back change sends nothing)."""
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "type": event,
        "created": timezone.now().isoformat(),
        "data": data,
    }
    deliveries = []
    for endpoint in WebhookEndpoint.objects.filter(active=True):
        if endpoint.events and event not in endpoint.events:
            continue
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint, event=event, event_id=event_id, payload=payload
        )
        _queue(delivery.pk)
        deliveries.append(delivery)
    return deliveries


def _queue(delivery_id: int, delay: int = 0) -> None:
    from invoicetron.automation.tasks import send_webhook

    defer(send_webhook, delay_seconds=delay, delivery_id=delivery_id)


def deliver(delivery_id: int) -> WebhookDelivery:
    """POST one delivery (the job's body); a delivered one is never sent again."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .get(pk=delivery_id)
        )
        if delivery.status not in (WebhookStatus.QUEUED, WebhookStatus.RETRYING):
            return delivery
        delivery.attempts += 1
        status, error = _post(delivery)
        delivery.response_status = status
        if status is not None and 200 <= status < 300:
            delivery.status, delivery.delivered_at = WebhookStatus.DELIVERED, timezone.now()
            delivery.last_error, delivery.next_attempt_at = "", None
        else:
            _failed(delivery, error or f"HTTP {status}")
        delivery.save()
        return delivery


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is a failed delivery: following it could lead to an internal address."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    try:
        check_destination(delivery.endpoint.url)
    except RefusedDestination as error:
        return None, f"Refused: {error}"
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    request = urllib.request.Request(  # noqa: S310 - the owner registers http(s) endpoints only
        delivery.endpoint.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Invoicetron-Webhooks/1",
            "Invoicetron-Event": delivery.event,
            "Invoicetron-Delivery": str(delivery.event_id),
            "Invoicetron-Timestamp": str(timestamp),
            "Invoicetron-Signature": sign(delivery.endpoint.secret, timestamp, body),
        },
    )
    try:
        with _OPENER.open(request, timeout=TIMEOUT_SECONDS) as response:
            return int(response.status), ""
    except urllib.error.HTTPError as error:
        return int(error.code), f"HTTP {error.code} {error.reason}"
    except (urllib.error.URLError, OSError) as error:
        return None, f"{type(error).__name__}: {getattr(error, 'reason', error)}"


def _failed(delivery: WebhookDelivery, error: str) -> None:
    delivery.last_error = error[:1000]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = WebhookStatus.FAILED, None
        return
    delay = RETRY_DELAYS[delivery.attempts - 1]
    delivery.status = WebhookStatus.RETRYING
    delivery.next_attempt_at = timezone.now() + datetime.timedelta(seconds=delay)
    _queue(delivery.pk, delay)
