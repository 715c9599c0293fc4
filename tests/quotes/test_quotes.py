"""Quotes: own number series, sent with their PDF, accepted or declined, converted, expired."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import AuditEvent, InvoiceStatus
from invoicetron.quotes.documents import render_quote_pdf
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.quotes.services import (
    accept_quote,
    convert_to_invoice,
    create_quote,
    decline_quote,
    expire_due,
    send_quote,
)
from tests.fixtures import factories
from tests.fixtures.smtp import MailServer, pdf_attachments


def a_quote(owner: User) -> Quote:
    factories.business()
    vat = factories.tax_rate()
    return create_quote(
        client=factories.client(),
        by=owner,
        lines=[
            factories.line("Website design", "10", "80", [vat], unit="hour"),
            factories.line("Hosting", "1", "120", [vat]),
        ],
    )


def test_a_sent_quote_takes_the_next_number_of_the_quote_series(owner: User) -> None:
    first = send_quote(a_quote(owner), by=owner, email=False)
    second = send_quote(a_quote(owner), by=owner, email=False)
    year = first.issue_date.year if first.issue_date else 0
    assert (first.number, second.number) == (f"QUO-{year}-0001", f"QUO-{year}-0002")
    assert first.status == QuoteStatus.SENT
    assert first.valid_until == first.issue_date + datetime.timedelta(days=30)
    text = PdfReader(io.BytesIO(render_quote_pdf(first))).pages[0].extract_text()
    assert "Quote" in text and first.number in text and "1,104.00" in text


def test_an_accepted_quote_becomes_a_draft_invoice_with_the_same_lines_once(owner: User) -> None:
    quote = accept_quote(send_quote(a_quote(owner), by=owner, email=False), via="link 1")
    invoice = convert_to_invoice(quote, by=owner)
    assert invoice.status == InvoiceStatus.DRAFT
    assert [(line.description, line.quantity) for line in invoice.lines.all()] == [
        ("Website design", 10),
        ("Hosting", 1),
    ]
    assert invoice.total == quote.total
    quote.refresh_from_db()
    assert quote.invoice == invoice
    with pytest.raises(ValidationError, match="already has its invoice"):
        convert_to_invoice(quote, by=owner)
    assert AuditEvent.objects.filter(object_type="quotes.quote", action="accept").exists()


def test_a_decided_or_expired_quote_cannot_be_decided_again(owner: User) -> None:
    declined = decline_quote(send_quote(a_quote(owner), by=owner, email=False))
    with pytest.raises(ValidationError):
        accept_quote(declined)
    draft = a_quote(owner)
    with pytest.raises(ValidationError):
        accept_quote(draft)
    with pytest.raises(ValidationError, match="accepted"):
        convert_to_invoice(declined, by=owner)


def test_quotes_past_their_validity_expire_once(owner: User) -> None:
    quote = send_quote(a_quote(owner), by=owner, email=False)
    assert quote.valid_until is not None
    assert expire_due(quote.valid_until) == 0
    after = quote.valid_until + datetime.timedelta(days=1)
    assert expire_due(after) == 1
    assert expire_due(after) == 0
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED


@pytest.mark.usefixtures("job_tables")
def test_a_sent_quote_is_emailed_with_its_pdf_and_a_link(
    owner: User, mail_server: MailServer
) -> None:
    quote = send_quote(a_quote(owner), by=owner)
    run_worker(once=True)
    [received] = mail_server.received
    assert received.message["Subject"] == f"Quote {quote.number} from Acme Studio"
    assert [name for name, _pdf in pdf_attachments(received.message)] == [f"{quote.number}.pdf"]
    assert "https://invoicetron.test/p/" in received.message.get_body().get_content()
