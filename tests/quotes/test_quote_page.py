"""The quote page's actions and its email card agree with the quote's state."""

from __future__ import annotations

import datetime

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import accept_quote, decline_quote
from tests.fixtures.forms import text_of


def page_text(owner: User, quote: Quote) -> str:
    web = WebClient()
    web.force_login(owner)
    response = web.get(reverse("quotes:detail", args=[quote.pk]))
    assert response.status_code == 200
    return text_of(response.content.decode())


def long_date(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_an_accepted_quote_offers_its_invoice_and_never_asks_to_be_sent(
    owner: User, sent: Quote
) -> None:
    accepted = accept_quote(sent, via="link 1")
    text = page_text(owner, accepted)
    assert "Send the quote first" not in text
    today = datetime.datetime.now(datetime.UTC).date()
    assert f"This quote was accepted on {long_date(today)}." in text
    assert "Convert to invoice" in text
    assert "Record acceptance" not in text and "Send quote" not in text


def test_a_declined_quote_says_so_and_offers_no_action(owner: User, sent: Quote) -> None:
    text = page_text(owner, decline_quote(sent, by=owner, via="user"))
    assert "Send the quote first" not in text
    assert "This quote was declined on" in text
    assert "Convert to invoice" not in text and "Record acceptance" not in text


def test_a_sent_quote_past_its_validity_offers_no_decision(owner: User, sent: Quote) -> None:
    Quote.objects.filter(pk=sent.pk).update(valid_until=datetime.date(2020, 1, 31))
    text = page_text(owner, sent)
    assert "This quote expired: it was valid until 31 January 2020." in text
    assert "Record acceptance" not in text and "Record decline" not in text


def test_a_sent_quote_can_be_emailed_and_decided(owner: User, sent: Quote) -> None:
    text = page_text(owner, sent)
    assert "Send by email" in text and "Create public link" in text
    assert "Record acceptance" in text and "Record decline" in text
    assert "Send the quote first" not in text
