"""Webhooks: signed events that a receiver on loopback can verify, retried until delivered."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.db import transaction

from invoicetron.accounts.models import User
from invoicetron.automation import webhooks
from invoicetron.automation.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from invoicetron.automation.worker import run_worker
from invoicetron.billing.services import record_payment
from invoicetron.quotes.services import accept_quote, create_quote, send_quote
from tests.fixtures import factories

pytestmark = pytest.mark.usefixtures("job_tables")
SECRET = "whsec-test-0123456789-abcdefghijklmnop"


class Receiver(BaseHTTPRequestHandler):
    """Checks each request's signature the way the README tells receivers to."""

    received: ClassVar[list[dict[str, Any]]] = []
    answer: ClassVar[int] = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        timestamp = self.headers["Invoicetron-Timestamp"]
        expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
        valid = hmac.compare_digest(
            "v1=" + expected.hexdigest(), self.headers["Invoicetron-Signature"]
        )
        Receiver.received.append(
            {"event": self.headers["Invoicetron-Event"], "valid": valid, "body": json.loads(body)}
        )
        self.send_response(Receiver.answer)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver(settings: Any) -> Iterator[str]:
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver listens on loopback
    Receiver.received, Receiver.answer = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    WebhookEndpoint.objects.create(
        url=f"http://127.0.0.1:{server.server_address[1]}/hook", secret=SECRET
    )
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_billing_events_reach_the_receiver_signed(receiver: str, owner: User) -> None:
    factories.business()
    invoice = factories.issued_invoice(owner)
    record_payment(invoice, amount="432.00", by=owner)
    quote = create_quote(client=invoice.client, by=owner, lines=[factories.line("Audit")])
    accept_quote(send_quote(quote, by=owner, email=False))
    run_worker(once=True)
    events = sorted(item["event"] for item in Receiver.received)
    assert events == ["invoice.issued", "invoice.paid", "payment.created", "quote.accepted"]
    assert all(item["valid"] for item in Receiver.received)
    issued = next(item for item in Receiver.received if item["event"] == "invoice.issued")
    assert issued["body"]["data"]["label"] == invoice.number
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_an_event_of_a_rolled_back_change_is_never_sent(receiver: str, owner: User) -> None:
    factories.business()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.issued_invoice(owner)
        raise RuntimeError("rolled back")
    run_worker(once=True)
    assert Receiver.received == [] and not WebhookDelivery.objects.exists()


def test_a_failing_receiver_is_retried_with_backoff_then_marked_failed(
    receiver: str, owner: User
) -> None:
    Receiver.answer = 500
    factories.business()
    factories.issued_invoice(owner)
    run_worker(once=True)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_status) == (WebhookStatus.RETRYING, 500)
    assert delivery.next_attempt_at is not None
    for _attempt in range(webhooks.MAX_ATTEMPTS - 1):
        webhooks.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookStatus.FAILED, webhooks.MAX_ATTEMPTS)
    assert delivery.last_error == "answered 500"


def test_an_endpoint_receives_only_the_events_it_asked_for(receiver: str, owner: User) -> None:
    WebhookEndpoint.objects.update(events=["payment.created"])
    factories.business()
    invoice = factories.issued_invoice(owner)
    record_payment(invoice, amount="10", by=owner)
    run_worker(once=True)
    assert [item["event"] for item in Receiver.received] == ["payment.created"]


def test_the_signature_is_an_hmac_of_the_timestamp_and_body() -> None:
    expected = hmac.new(b"k", b"1700000000.{}", hashlib.sha256).hexdigest()
    assert webhooks.sign("k", 1700000000, b"{}") == f"v1={expected}"
