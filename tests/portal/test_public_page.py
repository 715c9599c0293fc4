"""The public page is the client's copy of the document: everything the PDF says, over HTTP."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as Browser

from invoicetron.accounts.models import User
from invoicetron.billing.services import create_credit_note, issue_invoice, record_payment
from invoicetron.portal.services import create_link
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.quotes.services import create_quote, expire_due, send_quote
from tests.fixtures import factories
from tests.fixtures.forms import path_of, text_of

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16  # enough to be served as an image/png data URI


def test_an_invoice_page_shows_lines_taxes_per_rate_payments_and_how_to_pay(owner: User) -> None:
    factories.business(logo=PNG, logo_content_type="image/png")
    vat, reduced = factories.tax_rate("VAT", "20"), factories.tax_rate("VAT", "5.5")
    invoice = issue_invoice(
        factories.draft(
            owner,
            lines=[
                factories.line("Design work", "3", "80", [vat], unit="hour"),
                factories.line("Font licence", "1", "120", [vat]),
                factories.line("Printed brand book", "2", "50", [reduced]),
            ],
        ),
        by=owner,
    )
    record_payment(invoice, amount="200", by=owner)
    _link, url = create_link(invoice, by=owner)

    page = Browser().get(path_of(url))
    assert page.status_code == 200
    html = page.content.decode()
    text = text_of(html)
    assert f"Invoice {invoice.number}" in text
    assert "Acme Studio" in text and "FR12345678901" in text
    assert 'src="data:image/png;base64,' in html  # the business's logo
    assert "Globex Corporation" in text and "42 Main Street" in text
    issued, due = invoice.issue_date, invoice.due_date
    assert issued is not None and due is not None
    assert f"Date {issued:%B} {issued.day}, {issued.year}" in text
    assert f"Due {due:%B} {due.day}, {due.year}" in text
    assert "Design work 3 hour 80.00 VAT 20 % 240.00" in text
    assert "Printed brand book 2 50.00 VAT 5.5 % 100.00" in text
    # One row per rate: its taxable base and its tax.
    assert "VAT 20 % 360.00 72.00" in text and "VAT 5.5 % 100.00 5.50" in text
    assert "Net total 460.00" in text and "Tax total 77.50" in text
    assert "Total €537.50" in text
    assert "Paid \u2212200.00" in text  # a minus sign, as on the PDF
    assert "Balance due €337.50" in text
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in text
    assert (
        f"Please pay €337.50 by {due:%B} {due.day}, {due.year}, quoting {invoice.number}." in text
    )
    assert f'href="{path_of(url)}pdf"' in html and "Download the PDF" in text
    assert "Accept" not in text  # an invoice has no decision


def test_a_paid_invoice_says_so_instead_of_asking_for_payment(owner: User) -> None:
    factories.business()
    invoice = factories.issued_invoice(owner)
    record_payment(invoice, amount="432", by=owner)
    _link, url = create_link(invoice, by=owner)
    text = text_of(Browser().get(path_of(url)).content.decode())
    assert "Balance due €0.00" in text
    assert "Nothing is left to pay. Thank you." in text
    assert "Please pay" not in text


def test_a_credit_note_page_names_its_invoice_and_reason(owner: User) -> None:
    factories.business()
    invoice = factories.issued_invoice(owner)
    note = create_credit_note(invoice, by=owner, reason="Licence not used")
    _link, url = create_link(note, by=owner)
    text = text_of(Browser().get(path_of(url)).content.decode())
    assert f"Credit note {note.number}" in text
    assert f"For invoice {invoice.number}" in text and "Reason: Licence not used" in text
    assert "Total €432.00" in text and "VAT 20 % 360.00 72.00" in text
    assert "Balance due" not in text and "Accept this quote" not in text


@pytest.fixture
def quote(owner: User) -> Quote:
    factories.business()
    vat = factories.tax_rate()
    draft = create_quote(
        client=factories.client(),
        by=owner,
        lines=[factories.line("Brand workshop", "2", "450", [vat], unit="day")],
        terms="50 % on signature.",
    )
    return send_quote(draft, by=owner, email=False)


def test_a_quote_page_shows_its_validity_and_the_decision_buttons(
    quote: Quote, owner: User
) -> None:
    _link, url = create_link(quote, by=owner)
    page = Browser().get(path_of(url))
    text = text_of(page.content.decode())
    valid = quote.valid_until
    assert valid is not None
    assert f"Quote {quote.number}" in text
    assert f"Valid until {valid:%B} {valid.day}, {valid.year}" in text
    assert "Status Awaiting your answer" in text
    assert "Brand workshop 2 day 450.00 VAT 20 % 900.00" in text
    assert "VAT 20 % 900.00 180.00" in text and "Total €1,080.00" in text
    assert "50 % on signature." in text
    assert "Accept this quote" in text and "Decline" in text
    assert "Balance due" not in text and "Please pay" not in text


def test_an_expired_quote_shows_no_buttons(quote: Quote, owner: User) -> None:
    _link, url = create_link(quote, by=owner)
    # Past its validity but not yet swept by the periodic expiry: no decision is possible.
    past = datetime.date(2020, 1, 31)
    snapshot = {**(quote.snapshot or {}), "valid_until": past.isoformat()}
    Quote.objects.filter(pk=quote.pk).update(valid_until=past, snapshot=snapshot)
    text = text_of(Browser().get(path_of(url)).content.decode())
    assert "Accept this quote" not in text and "Decline" not in text
    assert "This quote expired: it was valid until 31 January 2020." in text
    expire_due()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.EXPIRED
    text = text_of(Browser().get(path_of(url)).content.decode())
    assert "Status Expired" in text and "Accept this quote" not in text
