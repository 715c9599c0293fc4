"""Emailing documents through a real SMTP server on loopback, and the delivery log."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice, InvoiceStatus
from invoicetron.billing.services import create_credit_note
from invoicetron.messaging import delivery as sending
from invoicetron.messaging.models import Delivery, DeliveryStatus, MessageKind
from invoicetron.messaging.services import (
    deliveries_for,
    failed_deliveries,
    queue_email,
    retry_delivery,
    save_template,
)
from tests.fixtures import factories
from tests.fixtures.jobs import queued_jobs
from tests.fixtures.smtp import MailServer, pdf_attachments

pytestmark = pytest.mark.usefixtures("job_tables")


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business()
    client = factories.client(email="ap@globex.example")
    client.contacts.create(name="Accounts", email="accounts@globex.example")
    return factories.issued_invoice(owner, for_client=client)


def test_an_emailed_invoice_reaches_every_contact_with_its_pdf_and_is_marked_sent(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    queue_email(invoice, by=owner)
    assert mail_server.received == []  # nothing is sent inside the request
    run_worker(once=True)

    [received] = mail_server.received
    assert received.recipients == ["ap@globex.example", "accounts@globex.example"]
    assert received.message["Subject"] == f"Invoice {invoice.number} from Acme Studio"
    assert received.message["From"] == "Acme Studio <billing@acme.example>"
    [(filename, pdf)] = pdf_attachments(received.message)
    assert filename == f"{invoice.number}.pdf"
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert invoice.number in text
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT
    [logged] = deliveries_for(invoice)
    assert (logged.status, logged.attempts) == (DeliveryStatus.SENT, 1)


def test_an_email_queued_in_a_rolled_back_transaction_is_never_sent(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email(invoice, by=owner)
        raise RuntimeError("the request fails after queueing")
    run_worker(once=True)
    assert mail_server.received == []
    assert not Delivery.objects.exists()


def test_running_the_worker_twice_sends_an_email_once(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    delivery = queue_email(invoice, by=owner)
    run_worker(once=True)
    run_worker(once=True)
    sending.deliver(delivery.pk)  # even a stray second job leaves a sent email alone
    assert len(mail_server.received) == 1


def test_a_refused_email_keeps_the_servers_answer_and_retries_with_growing_delays(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    mail_server.refuse = True
    delivery = queue_email(invoice, by=owner)
    run_worker(once=True)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "550 5.1.1 Mailbox unavailable" in delivery.last_error
    assert queued_jobs("messaging.send_delivery") == [("messaging.send_delivery", "todo")]
    first_wait = delivery.next_attempt_at
    for _attempt in range(sending.MAX_ATTEMPTS - 1):
        sending.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert first_wait is not None and delivery.next_attempt_at is None
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, sending.MAX_ATTEMPTS)
    assert list(failed_deliveries()) == [delivery]
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.ISSUED  # not marked sent: it was not

    mail_server.refuse = False
    retry_delivery(delivery, by=owner)
    run_worker(once=True)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert list(failed_deliveries()) == []


def test_an_unreachable_mail_server_is_logged_with_the_reason(
    invoice: Invoice, owner: User, mail_server: MailServer, settings: object
) -> None:
    settings.EMAIL_PORT = 1  # type: ignore[attr-defined]
    delivery = queue_email(invoice, by=owner)
    run_worker(once=True)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.RETRYING
    assert "ConnectionRefusedError" in delivery.last_error


def test_an_edited_template_gives_the_subject_and_body(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    save_template(
        MessageKind.INVOICE,
        subject="Your bill {{ number }} ({{ total }})",
        body="Dear {{ client_name }}, {{ balance_due }} is due on {{ due_date }}.",
        by=owner,
    )
    queue_email(invoice, by=owner)
    run_worker(once=True)
    [received] = mail_server.received
    assert received.message["Subject"] == f"Your bill {invoice.number} (€432.00)"
    assert received.message.get_body().get_content().startswith("Dear Globex Corporation,")


def test_a_template_that_does_not_compile_is_refused(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        save_template(MessageKind.INVOICE, subject="{% if %}", body="x", by=owner)
    assert "subject" in refused.value.message_dict


def test_a_credit_note_is_emailed_with_its_own_pdf(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    note = create_credit_note(invoice, by=owner, reason="Cancelled")
    queue_email(note, by=owner)
    run_worker(once=True)
    [received] = mail_server.received
    assert received.message["Subject"] == f"Credit note {note.number} from Acme Studio"
    assert [name for name, _pdf in pdf_attachments(received.message)] == [f"{note.number}.pdf"]


def test_a_draft_or_a_client_without_email_cannot_be_emailed(owner: User) -> None:
    factories.business()
    draft = factories.draft(owner)
    with pytest.raises(ValidationError, match="Issue the invoice"):
        queue_email(draft, by=owner)
    issued = factories.issued_invoice(owner)
    issued.client.contacts.update(is_primary=False)
    issued.client.contacts.update(email="")
    with pytest.raises(ValidationError) as refused:
        queue_email(issued, by=owner)
    assert "recipients" in refused.value.message_dict
