"""Webhook attempts through jobs.retries: a log line for every attempt (failures included)
without the signing secret, and no lock on the delivery or its endpoint during the POST."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import pytest
from django.db import transaction

from invoicetron.accounts.models import User
from invoicetron.automation import webhooks
from invoicetron.automation.endpoints import delete_endpoint
from invoicetron.automation.models import WebhookDelivery, WebhookEndpoint, WebhookStatus
from invoicetron.automation.worker import run_worker
from invoicetron.jobs import retries
from tests.fixtures import factories
from tests.fixtures.jobs import attempt_lines, everything_logged, start_in_thread
from tests.fixtures.processes import free_port

pytestmark = pytest.mark.usefixtures("job_tables")
SECRET = "whsec-never-logged-0123456789abcdef"
URL_TOKEN = "url-token-never-logged-9876543210"
FIELDS = ("kind", "delivery", "job", "attempt", "max_attempts", "outcome", "next_retry")


class Receiver(BaseHTTPRequestHandler):
    """Answers `answer`; while `hold` is set up and not yet set, keeps the request waiting."""

    answer: ClassVar[int] = 500
    hold: ClassVar[threading.Event | None] = None
    arrived: ClassVar[threading.Event] = threading.Event()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.arrived.set()
        if Receiver.hold is not None:
            Receiver.hold.wait(timeout=30)
        self.send_response(Receiver.answer)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver_url(settings: Any) -> Iterator[str]:
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # the receiver listens on loopback
    Receiver.answer, Receiver.hold, Receiver.arrived = 500, None, threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook?token={URL_TOKEN}"
    server.shutdown()


def issue_with_endpoint(url: str, owner: User) -> WebhookDelivery:
    WebhookEndpoint.objects.create(url=url, secret=SECRET)
    factories.business()
    factories.issued_invoice(owner)
    return WebhookDelivery.objects.get()


def test_a_failing_receiver_is_logged_for_every_attempt_without_the_secret(
    receiver_url: str, owner: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    delivery = issue_with_endpoint(receiver_url, owner)
    run_worker(once=True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status) == (WebhookStatus.RETRYING, 500)
    [line] = attempt_lines(caplog)
    assert line.levelno == logging.WARNING
    assert (line.kind, line.delivery, line.attempt, line.outcome, line.reason) == (  # type: ignore[attr-defined]
        "webhook",
        delivery.pk,
        1,
        "retrying",
        "answered 500",
    )
    assert isinstance(line.job, int) and line.elapsed_ms >= 0  # type: ignore[attr-defined]
    assert delivery.next_attempt_at is not None
    assert line.next_retry == delivery.next_attempt_at.isoformat()  # type: ignore[attr-defined]
    message = line.getMessage()
    assert all(f"{name}=" in message for name in FIELDS)
    assert "outcome=retrying" in message and 'reason="answered 500"' in message

    for _attempt in range(webhooks.MAX_ATTEMPTS - 1):
        webhooks.deliver(delivery.pk)
    outcomes = [line.outcome for line in attempt_lines(caplog)]  # type: ignore[attr-defined]
    assert outcomes == ["retrying"] * (webhooks.MAX_ATTEMPTS - 1) + ["failed"]
    logged = everything_logged(caplog)
    assert SECRET not in logged and URL_TOKEN not in logged


def test_an_unreachable_receiver_is_logged_without_the_secret_or_the_url(
    receiver_url: str, owner: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    delivery = issue_with_endpoint(f"http://127.0.0.1:{free_port()}/hook?token={URL_TOKEN}", owner)
    run_worker(once=True)
    [line] = attempt_lines(caplog)
    assert (line.outcome, line.reason) == ("retrying", "could not connect")  # type: ignore[attr-defined]
    assert line.delivery == delivery.pk  # type: ignore[attr-defined]
    logged = everything_logged(caplog)
    assert "ConnectionRefusedError" in logged  # the server's log has the details
    assert SECRET not in logged and URL_TOKEN not in logged


def test_the_post_holds_no_lock_on_the_delivery_or_its_endpoint(
    receiver_url: str, owner: User
) -> None:
    Receiver.answer, Receiver.hold = 204, threading.Event()
    delivery = issue_with_endpoint(receiver_url, owner)
    attempt = start_in_thread(webhooks.deliver, delivery.pk)
    try:
        assert Receiver.arrived.wait(timeout=30)
        with transaction.atomic():  # NOWAIT: an error if the attempt still held either row
            claimed = WebhookDelivery.objects.select_for_update(nowait=True).get(pk=delivery.pk)
            WebhookEndpoint.objects.select_for_update(nowait=True).get(pk=delivery.endpoint_id)
        assert (claimed.status, claimed.attempts) == (WebhookStatus.SENDING, 1)
    finally:
        Receiver.hold.set()
        attempt.join(timeout=30)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_status) == (WebhookStatus.DELIVERED, 204)


def test_an_unexpected_error_while_sending_is_a_failed_attempt_with_its_traceback_logged(
    receiver_url: str, owner: User, caplog: pytest.LogCaptureFixture
) -> None:
    delivery = issue_with_endpoint(receiver_url, owner)

    def broken_send(row: WebhookDelivery) -> None:
        raise RuntimeError("a bug in the sending code")

    retries.attempt(
        webhooks.POLICY,
        WebhookDelivery.objects.all(),
        delivery.pk,
        send=broken_send,
        delivered=lambda row: None,
    )
    delivery.refresh_from_db()  # not left `sending`: retried like any failed attempt
    assert (delivery.status, delivery.attempts) == (WebhookStatus.RETRYING, 1)
    assert delivery.last_error.startswith("Unexpected error (RuntimeError)")
    assert "a bug" not in delivery.last_error  # the owner's log gets no internals
    [line] = attempt_lines(caplog)
    assert line.exc_info is not None and line.exc_info[0] is RuntimeError


def test_an_endpoint_deleted_during_the_post_leaves_nothing_behind(
    receiver_url: str, owner: User, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    Receiver.answer, Receiver.hold = 204, threading.Event()
    delivery = issue_with_endpoint(receiver_url, owner)
    attempt = start_in_thread(webhooks.deliver, delivery.pk)
    try:
        assert Receiver.arrived.wait(timeout=30)
        delete_endpoint(delivery.endpoint, by=owner)  # not kept waiting by the POST
    finally:
        Receiver.hold.set()
        attempt.join(timeout=30)
    assert not WebhookDelivery.objects.exists()
    assert [line.outcome for line in attempt_lines(caplog)] == ["deleted"]  # type: ignore[attr-defined]
