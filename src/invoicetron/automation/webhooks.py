"""Webhooks: signed JSON events, queued in the transaction of the change, retried with backoff.

Each request carries `Invoicetron-Event`, `Invoicetron-Delivery` (the event's id),
`Invoicetron-Timestamp` (Unix seconds) and `Invoicetron-Signature: v1=<hex>`, where hex is
HMAC-SHA256 with the endpoint's secret over `"<timestamp>.<raw body>"`. A receiver recomputes it
over the raw body, compares in constant time, and refuses timestamps older than a few minutes.

An attempt goes through `jobs.retries` (shared with emails): the delivery is claimed in a short
transaction, POSTed with no transaction or row lock open, and its outcome recorded after, with
one log line per attempt.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import secrets
import socket
import ssl
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from procrastinate import JobContext
from procrastinate.contrib.django import app

from invoicetron.automation.destinations import (
    Destination,
    RefusedDestination,
    resolve_destination,
)
from invoicetron.automation.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from invoicetron.jobs import retries
from invoicetron.jobs.queue import defer

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
logger = logging.getLogger(__name__)


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


@app.task(name="automation.send_webhook", pass_context=True)
def send_webhook(context: JobContext, delivery_id: int) -> None:
    deliver(delivery_id, job_id=context.job.id)


POLICY = retries.RetryPolicy("webhook", RETRY_DELAYS, send_webhook)


def _queue(delivery_id: int) -> None:
    defer(send_webhook, delivery_id=delivery_id)


def deliver(delivery_id: int, *, job_id: int | None = None) -> WebhookDelivery:
    """POST one delivery (the job's body); a delivered one is never sent again."""
    return retries.attempt(
        POLICY,
        WebhookDelivery.objects.select_related("endpoint"),
        delivery_id,
        send=_send,
        delivered=_delivered,
        job_id=job_id,
    )


def _send(delivery: WebhookDelivery) -> None:
    status, error = _post(delivery)
    delivery.response_status = status
    if status is None or not 200 <= status < 300:
        raise retries.SendFailed((error or f"answered {status}")[:1000])


def _delivered(delivery: WebhookDelivery) -> None:
    delivery.status, delivery.delivered_at = WebhookStatus.DELIVERED, timezone.now()


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address, while the request names the host (Host header)."""

    def __init__(self, destination: Destination, timeout: float) -> None:
        super().__init__(destination.host, destination.port, timeout=timeout)
        self.address = destination.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(_PinnedHTTP):
    """TLS to the checked address, with the host name for SNI and the certificate check."""

    def connect(self) -> None:
        super().connect()
        context = ssl.create_default_context()
        self.sock = context.wrap_socket(self.sock, server_hostname=self.host)


def _post(delivery: WebhookDelivery) -> tuple[int | None, str]:
    """POST the delivery; its status and, for the delivery log, a reason without internals.

    The owner sees the log, so connection details (addresses, the OS's error text) go to the
    server's log only. Redirects are answers like any other: never followed.
    """
    url = delivery.endpoint.url
    try:
        destination = resolve_destination(url)
    except RefusedDestination as error:
        return None, f"Refused: {error}"
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Invoicetron-Webhooks/1",
        "Invoicetron-Event": delivery.event,
        "Invoicetron-Delivery": str(delivery.event_id),
        "Invoicetron-Timestamp": str(timestamp),
        "Invoicetron-Signature": sign(delivery.endpoint.secret, timestamp, body),
    }
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    kind = _PinnedHTTPS if destination.scheme == "https" else _PinnedHTTP
    connection = kind(destination, TIMEOUT_SECONDS)
    try:
        connection.request("POST", target, body=body, headers=headers)
        status = connection.getresponse().status
    # Timeouts and TLS errors are OSErrors; ValueError: a path http.client cannot send.
    except (OSError, http.client.HTTPException, ValueError) as error:
        reason = _reason(error)
        logger.warning(
            "webhook delivery %s to %s (%s port %s) failed: %s: %s",
            delivery.pk,
            destination.host,
            destination.address,
            destination.port,
            type(error).__name__,
            error,
        )
        return None, reason
    finally:
        connection.close()
    return status, "" if 200 <= status < 300 else f"answered {status}"


def _reason(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLError):
        return "TLS failed"
    if isinstance(error, http.client.HTTPException):
        return "gave no valid HTTP answer"
    return "could not connect"
