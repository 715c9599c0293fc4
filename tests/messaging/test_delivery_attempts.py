"""Email attempts through jobs.retries: one log line each without secrets, no row lock while the
mail server is talked to, and one send however many workers and jobs race for an email."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from typing import Any

import pytest
from django.db import transaction

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice
from invoicetron.jobs.queue import defer
from invoicetron.messaging import delivery as sending
from invoicetron.messaging.models import Delivery, DeliveryStatus
from invoicetron.messaging.services import queue_email
from tests.fixtures import factories
from tests.fixtures.jobs import attempt_lines, everything_logged, queued_jobs, start_in_thread
from tests.fixtures.smtp import MailServer

pytestmark = pytest.mark.usefixtures("job_tables")
FIELDS = ("kind", "delivery", "job", "attempt", "max_attempts", "outcome", "next_retry")


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business()
    return factories.issued_invoice(owner, for_client=factories.client(email="ap@globex.example"))


def test_a_refused_login_is_logged_for_the_attempt_without_the_password(
    invoice: Invoice,
    owner: User,
    refusing_login_server: MailServer,
    settings: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    password = "smtp-" + secrets.token_urlsafe(24)
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "billing@acme.example", password
    caplog.set_level(logging.INFO)
    delivery = queue_email(invoice, by=owner)
    run_worker(once=True)

    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "535" in delivery.last_error and refusing_login_server.received == []
    [line] = attempt_lines(caplog)
    assert line.levelno == logging.WARNING
    assert (line.kind, line.delivery, line.attempt, line.outcome) == (  # type: ignore[attr-defined]
        "email",
        delivery.pk,
        1,
        "retrying",
    )
    assert isinstance(line.job, int)  # type: ignore[attr-defined]
    assert delivery.next_attempt_at is not None
    assert line.next_retry == delivery.next_attempt_at.isoformat()  # type: ignore[attr-defined]
    assert line.elapsed_ms >= 0 and "535" in line.reason  # type: ignore[attr-defined]
    message = line.getMessage()
    assert all(f"{name}=" in message for name in FIELDS)
    assert "outcome=retrying" in message and f"delivery={delivery.pk}" in message
    assert password not in everything_logged(caplog)


def test_the_last_failed_attempt_is_logged_as_failed_with_no_next_retry(
    invoice: Invoice, owner: User, mail_server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    mail_server.refuse = True
    caplog.set_level(logging.INFO)
    delivery = queue_email(invoice, by=owner)
    for _attempt in range(sending.MAX_ATTEMPTS):
        sending.deliver(delivery.pk)
    outcomes = [(line.attempt, line.outcome) for line in attempt_lines(caplog)]  # type: ignore[attr-defined]
    assert outcomes == [(n, "retrying") for n in range(1, sending.MAX_ATTEMPTS)] + [
        (sending.MAX_ATTEMPTS, "failed")
    ]
    assert attempt_lines(caplog)[-1].next_retry == ""  # type: ignore[attr-defined]


def test_the_mail_server_is_talked_to_without_the_delivery_or_the_invoice_locked(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    mail_server.hold = threading.Event()
    delivery = queue_email(invoice, by=owner)
    attempt = start_in_thread(sending.deliver, delivery.pk)
    try:
        assert mail_server.arrived.wait(timeout=30)
        # Another session locks both rows at once (NOWAIT: an error if anything holds them).
        with transaction.atomic():
            claimed = Delivery.objects.select_for_update(nowait=True).get(pk=delivery.pk)
            Invoice.objects.select_for_update(nowait=True).get(pk=invoice.pk)
        assert (claimed.status, claimed.attempts) == (DeliveryStatus.SENDING, 1)
    finally:
        mail_server.hold.set()
        attempt.join(timeout=30)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)


def test_two_workers_with_duplicate_jobs_for_one_email_send_it_once(
    invoice: Invoice, owner: User, mail_server: MailServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    mail_server.hold = threading.Event()
    with transaction.atomic():
        delivery = queue_email(invoice, by=owner)
        for _stray in range(3):  # duplicates of the job, as a double click or a bug could make
            defer(sending.send_delivery, delivery_id=delivery.pk)
    workers = [threading.Thread(target=run_worker, kwargs={"once": True}) for _ in range(2)]
    for worker in workers:
        worker.start()
    assert mail_server.arrived.wait(timeout=60)
    time.sleep(1)  # the other worker meanwhile takes the duplicates, while the email is sending
    mail_server.hold.set()
    for worker in workers:
        worker.join(timeout=60)

    assert len(mail_server.received) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert queued_jobs("messaging.send_delivery") == []
    outcomes = sorted(line.outcome for line in attempt_lines(caplog))  # type: ignore[attr-defined]
    assert outcomes == ["delivered", "skipped", "skipped", "skipped"]
