"""Public links: a client opens one document without signing in, and nothing else."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as Browser
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing.models import AuditEvent, Invoice
from invoicetron.portal.models import PublicLink
from invoicetron.portal.services import create_link, revoke_link, token_hash
from invoicetron.quotes.models import QuoteStatus
from invoicetron.quotes.services import create_quote, send_quote
from tests.fixtures import factories


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business()
    return factories.issued_invoice(owner)


def path_of(url: str) -> str:
    return url.removeprefix("https://invoicetron.test")


def test_a_link_shows_the_document_and_its_pdf_without_signing_in(
    invoice: Invoice, owner: User
) -> None:
    _link, url = create_link(invoice, by=owner)
    page = Browser().get(path_of(url))
    assert page.status_code == 200
    text = page.content.decode()
    assert invoice.number in text and "Globex Corporation" in text and "432.00" in text
    assert "Sign out" not in text and 'class="nav"' not in text
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    download = Browser().get(path_of(url) + "pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
    views = AuditEvent.objects.filter(action="link_view", invoice_id=invoice.pk)
    assert sorted(event.new_values["viewed"] for event in views) == ["page", "pdf"]


def test_the_token_is_long_random_and_stored_only_as_a_hash(invoice: Invoice, owner: User) -> None:
    link, url = create_link(invoice, by=owner)
    token = path_of(url).split("/")[2]
    assert len(token) >= 43  # 32 random bytes, base64url
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert link.token_hash == token_hash(token) and token not in link.token_hash
    assert not PublicLink.objects.filter(token_hash=token).exists()


def test_a_revoked_or_altered_link_opens_nothing(invoice: Invoice, owner: User) -> None:
    link, url = create_link(invoice, by=owner)
    path = path_of(url)
    altered = path[:-2] + ("A" if path[-2] != "A" else "B") + "/"
    assert Browser().get(altered).status_code == 404
    assert Browser().get("/p/short/").status_code == 404
    revoke_link(link, by=owner)
    assert Browser().get(path).status_code == 404
    assert Browser().get(path + "pdf").status_code == 404


def test_a_link_for_one_document_never_opens_another(invoice: Invoice, owner: User) -> None:
    other = factories.issued_invoice(owner, for_client=factories.client("Initech"))
    _link, url = create_link(invoice, by=owner)
    text = Browser().get(path_of(url)).content.decode()
    assert other.number not in text and "Initech" not in text
    # The document is chosen by the token alone: no id in the address to change.
    assert str(other.pk) not in path_of(url).split("/")[2:3]
    assert Browser().get(path_of(url) + "accept").status_code in (404, 405)
    assert Browser().post(path_of(url) + "accept").status_code == 404  # not a quote


def test_a_client_accepts_a_quote_through_its_link_once(owner: User) -> None:
    factories.business()
    quote = create_quote(
        client=factories.client(), by=owner, lines=[factories.line("Audit", "1", "500")]
    )
    quote = send_quote(quote, by=owner, email=False)
    _link, url = create_link(quote, by=owner)
    browser = Browser(enforce_csrf_checks=False)
    page = browser.get(path_of(url)).content.decode()
    assert "Accept this quote" in page
    response = browser.post(path_of(url) + "accept")
    assert response.status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    again = browser.post(path_of(url) + "decline")
    assert again.status_code == 409 and "already accepted" in again.content.decode()
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    decision = AuditEvent.objects.get(object_type="quotes.quote", action="accept")
    assert decision.actor is None and decision.new_values["via"].startswith("link ")


def test_a_draft_gets_no_public_link(owner: User) -> None:
    factories.business()
    draft = factories.draft(owner)
    with pytest.raises(ValidationError, match="Issue the invoice"):
        create_link(draft, by=owner)
    quote = create_quote(client=draft.client, by=owner, lines=[factories.line("Audit")])
    with pytest.raises(ValidationError, match="Send the quote first"):
        create_link(quote, by=owner)
    assert not PublicLink.objects.exists()


def test_the_link_button_on_a_draft_says_why_and_creates_nothing(owner: User) -> None:
    factories.business()
    draft = factories.draft(owner)
    web = Browser()
    web.force_login(owner)
    page = web.post(reverse("messaging:new_link", args=["invoice", draft.pk]), follow=True)
    assert page.status_code == 200
    assert "Issue the invoice before sending it." in page.content.decode()
    assert not PublicLink.objects.exists()
