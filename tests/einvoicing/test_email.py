"""Emailed invoices carry the e-invoice the business chose (through a real SMTP server)."""

from __future__ import annotations

import io

import pytest
from django.test import Client as WebClient
from django.urls import reverse
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing import services
from invoicetron.billing.models import EInvoiceFormat, Invoice
from invoicetron.einvoicing import cii
from invoicetron.einvoicing.build import from_invoice
from invoicetron.einvoicing.rules import check_facturx
from invoicetron.messaging.models import DeliveryStatus
from invoicetron.messaging.services import deliveries_for, queue_email
from tests.fixtures import eu_parties, factories
from tests.fixtures.smtp import MailServer, pdf_attachments

pytestmark = pytest.mark.usefixtures("job_tables")


def issued(owner: User, **seller: str) -> Invoice:
    eu_parties.seller(**seller)
    line = factories.line("Design work", "3", "80", [eu_parties.vat()], unit="hour")
    draft = factories.draft(owner, lines=[line], for_client=eu_parties.buyer())
    return services.issue_invoice(draft, by=owner)


def test_factur_x_replaces_the_pdf_attachment(owner: User, mail_server: MailServer) -> None:
    invoice = issued(owner, einvoice_format=EInvoiceFormat.FACTURX)
    queue_email(invoice, by=owner)
    run_worker(once=True)

    [received] = mail_server.received
    assert len(list(received.message.iter_attachments())) == 1
    [(filename, pdf)] = pdf_attachments(received.message)
    assert filename == f"{invoice.number}.pdf"
    reader = PdfReader(io.BytesIO(pdf))
    assert invoice.number in reader.pages[0].extract_text()
    assert reader.attachments["factur-x.xml"] == [cii.write(from_invoice(invoice))]
    assert check_facturx(pdf).fatal == []


def test_ubl_comes_as_a_second_attachment(owner: User, mail_server: MailServer) -> None:
    invoice = issued(owner, einvoice_format=EInvoiceFormat.UBL)
    queue_email(invoice, by=owner)
    run_worker(once=True)

    [received] = mail_server.received
    pdf, xml = received.message.iter_attachments()
    assert (pdf.get_filename(), pdf.get_content_type()) == (
        f"{invoice.number}.pdf",
        "application/pdf",
    )
    assert (xml.get_filename(), xml.get_content_type()) == (
        f"{invoice.number}.xml",
        "application/xml",
    )
    assert invoice.number.encode() in xml.get_content()


def test_the_plain_format_sends_the_pdf_alone(owner: User, mail_server: MailServer) -> None:
    invoice = issued(owner)
    queue_email(invoice, by=owner)
    run_worker(once=True)
    [received] = mail_server.received
    [(_filename, pdf)] = pdf_attachments(received.message)
    assert len(list(received.message.iter_attachments())) == 1
    assert "factur-x.xml" not in PdfReader(io.BytesIO(pdf)).attachments


def test_an_invoice_that_cannot_be_an_einvoice_is_not_sent_and_says_why(
    owner: User, mail_server: MailServer
) -> None:
    invoice = issued(owner, einvoice_format=EInvoiceFormat.FACTURX, country="")
    queue_email(invoice, by=owner)
    run_worker(once=True)

    assert mail_server.received == []
    [logged] = deliveries_for(invoice)
    assert logged.status == DeliveryStatus.CANCELLED
    assert "your country (BT-40): add it in Settings → Business" in logged.last_error


def test_the_send_button_says_at_once_why_it_cannot_send(
    as_owner: WebClient, owner: User, mail_server: MailServer
) -> None:
    invoice = issued(owner, einvoice_format=EInvoiceFormat.UBL, iban="")
    url = reverse("messaging:send", args=["invoice", invoice.pk])
    response = as_owner.post(url, {"recipients": ["ap@globex.example"]})
    assert response.status_code == 400
    assert "your IBAN (BT-84)" in response.content.decode()
    assert not deliveries_for(invoice).exists()
