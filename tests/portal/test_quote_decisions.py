"""A client's decision through a quote's public link, over HTTP: once, and a clear answer after."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as Browser
from django.utils import timezone

from invoicetron.accounts.models import User
from invoicetron.billing.formatting import localized_date
from invoicetron.billing.models import AuditEvent
from invoicetron.portal.services import create_link
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.quotes.services import create_quote, send_quote
from tests.fixtures import factories
from tests.fixtures.forms import path_of, text_of


@pytest.fixture
def quote(owner: User) -> Quote:
    factories.business(time_zone="UTC")
    draft = create_quote(
        client=factories.client(), by=owner, lines=[factories.line("Audit", "1", "500")]
    )
    return send_quote(draft, by=owner, email=False)


def today() -> str:
    """Today as the document writes dates: its locale's (the business's "en": December 7, 2026)."""
    return localized_date(timezone.localdate(timezone=datetime.UTC), "en")


def decide(browser: Browser, url: str, decision: str) -> tuple[int, str]:
    """POST a decision as the page's form does (with its CSRF token); the page it ends on."""
    browser.get(path_of(url))
    response = browser.post(
        path_of(url) + decision,
        {"csrfmiddlewaretoken": browser.cookies["csrftoken"].value},
        follow=True,
    )
    return response.status_code, text_of(response.content.decode())


@pytest.mark.parametrize(
    ("first", "second", "done"),
    [
        ("accept", "accept", "accepted"),
        ("accept", "decline", "accepted"),
        ("decline", "accept", "declined"),
        ("decline", "decline", "declined"),
    ],
)
def test_a_second_decision_shows_the_first_on_the_document(
    quote: Quote, owner: User, first: str, second: str, done: str
) -> None:
    _link, url = create_link(quote, by=owner)
    browser = Browser(enforce_csrf_checks=True)
    status, text = decide(browser, url, first)
    assert status == 200
    assert f"You {done} this quote on {today()}." in text

    status, text = decide(browser, url, second)
    assert status == 409
    assert f"This quote was already {done} on {today()}: your answer was not recorded." in text
    assert f"Quote {quote.number}" in text and "500.00" in text  # still the document
    assert "Accept this quote" not in text
    quote.refresh_from_db()
    assert quote.status == done
    assert AuditEvent.objects.filter(object_type="quotes.quote", action=first).count() == 1
    assert (
        not AuditEvent.objects.filter(object_type="quotes.quote", action=second)
        .exclude(action=first)
        .exists()
    )


def test_a_decision_from_another_link_of_the_same_quote_is_answered_too(
    quote: Quote, owner: User
) -> None:
    _first, url = create_link(quote, by=owner)
    _second, other = create_link(quote, by=owner)
    assert decide(Browser(enforce_csrf_checks=True), url, "decline")[0] == 200
    status, text = decide(Browser(enforce_csrf_checks=True), other, "accept")
    assert status == 409 and "This quote was already declined on" in text
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DECLINED


def test_a_decision_without_the_page_s_csrf_token_is_refused(quote: Quote, owner: User) -> None:
    _link, url = create_link(quote, by=owner)
    response = Browser(enforce_csrf_checks=True).post(path_of(url) + "accept")
    assert response.status_code == 403
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT
