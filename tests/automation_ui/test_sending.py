"""Sending from the invoice page: queued with its job in the request's transaction, then
delivered by the worker to a real SMTP server on loopback; failures shown and retried."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice, InvoiceStatus
from invoicetron.messaging import services as mail
from invoicetron.messaging.models import Delivery, DeliveryStatus
from tests.fixtures import factories
from tests.fixtures.jobs import queued_jobs
from tests.fixtures.smtp import MailServer, pdf_attachments

pytestmark = pytest.mark.usefixtures("job_tables")


@pytest.fixture
def invoice(owner: User) -> Invoice:
    client = factories.client(email="ap@globex.example")
    client.contacts.create(name="Accounts", email="accounts@globex.example")
    return factories.issued_invoice(owner, for_client=client)


def send_url(invoice: Invoice) -> str:
    return reverse("messaging:send", args=["invoice", invoice.pk])


def test_the_invoice_page_offers_the_contacts_and_previews_the_subject(
    as_owner: WebClient, invoice: Invoice
) -> None:
    page = as_owner.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert 'value="ap@globex.example" checked' in page
    assert 'value="accounts@globex.example" checked' in page
    assert f"Invoice {invoice.number} from Acme Studio" in page
    assert "No email sent yet." in page


def test_sending_from_the_invoice_page_queues_and_the_worker_delivers_it(
    as_owner: WebClient, invoice: Invoice, mail_server: MailServer
) -> None:
    response = as_owner.post(send_url(invoice), {"recipients": ["accounts@globex.example"]})
    assert response.status_code == 302
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.QUEUED
    assert queued_jobs("messaging.send_delivery") == [("messaging.send_delivery", "todo")]
    assert mail_server.received == []

    run_worker(once=True)
    [received] = mail_server.received
    assert received.recipients == ["accounts@globex.example"]
    assert received.message["Subject"] == f"Invoice {invoice.number} from Acme Studio"
    [(filename, _pdf)] = pdf_attachments(received.message)
    assert filename == f"{invoice.number}.pdf"
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT
    page = as_owner.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert 'class="badge delivery-sent">Sent<' in page


def test_a_send_that_fails_after_queueing_leaves_neither_email_nor_job(
    as_owner: WebClient, invoice: Invoice, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_audit(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(mail, "record", broken_audit)
    with pytest.raises(RuntimeError):
        as_owner.post(send_url(invoice), {"recipients": ["ap@globex.example"]})
    assert not Delivery.objects.exists()
    assert queued_jobs("messaging.send_delivery") == []


def test_sending_to_nobody_is_refused_beside_the_recipients(
    as_owner: WebClient, invoice: Invoice
) -> None:
    response = as_owner.post(send_url(invoice), {})
    assert response.status_code == 400
    html = response.content.decode()
    field = html[html.index('<span class="label">To</span>') - 60 : html.index("mail-subject")]
    assert "field-error" in field and "Choose at least one recipient." in field
    response = as_owner.post(send_url(invoice), {"recipients": ["stranger@evil.example"]})
    assert response.status_code == 400
    assert not Delivery.objects.exists()


def test_a_failed_email_shows_the_servers_answer_and_is_sent_again_by_retry(
    as_owner: WebClient, invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    delivery = mail.queue_email(invoice, by=owner)
    run_worker(once=True)  # clears the first job
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.FAILED, attempts=5, last_error="550 5.1.1 Mailbox unavailable"
    )
    mail_server.received.clear()
    page = as_owner.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert "550 5.1.1 Mailbox unavailable" in page and ">Retry</button>" in page
    home = as_owner.get(reverse("web:home")).content.decode()
    assert "Failed emails (1)" in home

    retry = reverse("messaging:retry", args=[delivery.pk])
    assert as_owner.post(retry).status_code == 302
    run_worker(once=True)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mail_server.received) == 1
