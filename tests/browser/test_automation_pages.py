"""Sending an invoice and a quote by email in Chromium, with the delivery log and public links."""

from __future__ import annotations

import re
from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.messaging import delivery as sending
from invoicetron.messaging.models import Delivery, DeliveryStatus
from invoicetron.quotes.models import Quote, QuoteStatus
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in
from tests.fixtures.smtp import MailServer

pytestmark = [  # the fixtures come from the imports above
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("job_tables", "mail_server"),
]


def deliver_all() -> None:
    """The worker's job body, run here: asyncio.run() cannot run beside Playwright's loop."""
    for delivery in Delivery.objects.filter(status=DeliveryStatus.QUEUED):
        sending.deliver(delivery.pk)


def test_an_invoice_and_a_quote_are_emailed_from_their_pages(
    live_server: Any, page: Any, owner: User, request: pytest.FixtureRequest
) -> None:
    smtp: MailServer = request.getfixturevalue("mail_server")
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    vat = factories.tax_rate()
    client = factories.client("Initech Ltd", email="bill@initech.example")
    client.contacts.create(name="Accounts payable", email="ap@initech.example")
    invoice = factories.issued_invoice(owner, for_client=client)
    sign_in(page, base)

    page.goto(f"{base}/invoices/{invoice.pk}/")
    page.get_by_label("Accounts payable <ap@initech.example>").uncheck()
    page.get_by_role("button", name="Send by email").click()
    page.get_by_text("Email queued to bill@initech.example.").wait_for()
    assert page.locator(".deliveries .badge").first.inner_text() == "Queued"
    deliver_all()
    page.reload()
    assert page.locator(".deliveries .badge").first.inner_text() == "Sent"
    assert page.locator(".subtitle .badge").first.inner_text() == "Sent"
    page.get_by_role("button", name="Create public link").click()
    link = page.locator("#new-link").input_value()
    assert re.search(r"/p/[\w-]{40,}/$", link)
    page.locator("#emails").scroll_into_view_if_needed()
    screenshot(page, "automation-01-invoice-sent")
    [received] = smtp.received
    assert received.recipients == ["bill@initech.example"]

    page.get_by_role("link", name="Quotes").click()
    page.get_by_role("link", name="New quote").click()
    page.get_by_label("Client").select_option(label="Initech Ltd")
    page.locator('[name="lines-0-description"]').fill("Website redesign")
    page.locator('[name="lines-0-quantity"]').fill("12")
    page.locator('[name="lines-0-unit_price"]').fill("85")
    page.locator(".line").first.get_by_label(str(vat)).check()
    page.get_by_role("button", name="Add line").click()
    page.locator('[name="lines-1-description"]').fill("Hosting, first year")
    page.locator('[name="lines-1-unit_price"]').fill("240")
    screenshot(page, "automation-02-quote-form")
    page.get_by_role("button", name="Save draft quote").click()
    page.get_by_text("Draft quote saved.").wait_for()
    page.get_by_role("button", name="Send quote").click()
    page.get_by_text(re.compile(r"Quote QUO-\d{4}-0001 is sent by email")).wait_for()
    deliver_all()
    page.reload()
    assert page.locator(".deliveries .badge").first.inner_text() == "Sent"
    screenshot(page, "automation-03-quote-sent")
    assert len(smtp.received) == 2
    assert smtp.received[1].recipients == ["bill@initech.example", "ap@initech.example"]

    quote = Quote.objects.get()
    assert quote.status == QuoteStatus.SENT and quote.total == 1464  # 1020 + 204 VAT + 240
    page.get_by_role("link", name="Quotes").click()
    screenshot(page, "automation-04-quote-list")
    page.goto(f"{base}/settings/emails/quote/")
    screenshot(page, "automation-05-email-template")
    page.goto(f"{base}/recurring/new/")
    screenshot(page, "automation-06-recurring-form")
