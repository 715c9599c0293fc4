"""A client opens a public link in Chromium: reads the document, accepts or declines a quote.

The page keeps its token private (no Referer leaves for another site), yet Chromium must still
send the Origin that Django's CSRF check compares on the decision's POST.
"""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing.models import AuditEvent
from invoicetron.portal.services import create_link
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.quotes.services import create_quote, send_quote
from tests.fixtures import factories
from tests.fixtures.browser import screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

# Referrer policies that send nothing at all to another origin.
NOTHING_CROSS_ORIGIN = {"no-referrer", "same-origin"}
ELSEWHERE = "https://elsewhere.example/"


def sent_quote(owner: User) -> Quote:
    factories.business()
    vat = factories.tax_rate()
    quote = create_quote(
        client=factories.client(),
        by=owner,
        lines=[
            factories.line("Brand workshop", "2", "450", [vat], unit="day"),
            factories.line("Logo design", "1", "1200", [vat]),
        ],
    )
    return send_quote(quote, by=owner, email=False)


def public_path(document: Any, owner: User) -> str:
    _link, url = create_link(document, by=owner)
    return "/p/" + url.split("/p/", 1)[1]


def open_quote(page: Any, base: str, path: str) -> Any:
    """Open the link; returns the page's response (its headers are checked)."""
    response = page.goto(base + path)
    assert response.status == 200
    assert response.headers["referrer-policy"] in NOTHING_CROSS_ORIGIN
    return response


def referer_sent_elsewhere(page: Any) -> str | None:
    """Follow a link from the page to another site; the Referer Chromium sent there, if any."""
    seen: list[dict[str, str]] = []

    def answer(route: Any) -> None:
        seen.append(route.request.headers)
        route.fulfill(status=200, content_type="text/html", body="<p>elsewhere</p>")

    page.route(ELSEWHERE + "**", answer)
    page.evaluate(
        """url => { const a = document.createElement('a'); a.href = url; a.id = 'away';
                    a.textContent = 'away'; document.body.append(a); }""",
        ELSEWHERE + "landing",
    )
    page.click("#away")
    page.wait_for_url(ELSEWHERE + "landing")
    assert seen, "the browser went to the other site"
    return seen[0].get("referer")


def decide_in_browser(page: Any, base: str, button: str) -> dict[str, str]:
    """Click a decision button; the headers of the POST Chromium sent."""
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.get_by_role("button", name=button).click()
    page.wait_for_load_state()
    return posted.value.all_headers()


def test_a_client_accepts_a_quote_in_the_browser(live_server: Any, page: Any, owner: User) -> None:
    quote = sent_quote(owner)
    path = public_path(quote, owner)
    open_quote(page, live_server.url, path)
    assert page.get_by_role("heading", level=1).inner_text() == f"Quote {quote.number}"
    screenshot(page, "public-quote-01-open")

    headers = decide_in_browser(page, live_server.url, "Accept this quote")
    assert headers.get("origin") == live_server.url  # not "null": the CSRF check can verify it
    assert page.url == live_server.url + path
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED
    assert page.get_by_text("You accepted this quote on").is_visible()
    assert page.get_by_role("button", name="Accept this quote").count() == 0
    decision = AuditEvent.objects.get(object_type="quotes.quote", action="accept")
    assert decision.actor is None and decision.new_values["via"].startswith("link ")
    screenshot(page, "public-quote-02-accepted")

    # The accepted page still keeps the token to itself when the client leaves for another site.
    assert referer_sent_elsewhere(page) is None


def test_a_client_declines_a_quote_in_the_browser(live_server: Any, page: Any, owner: User) -> None:
    quote = sent_quote(owner)
    path = public_path(quote, owner)
    open_quote(page, live_server.url, path)

    headers = decide_in_browser(page, live_server.url, "Decline")
    assert headers.get("origin") == live_server.url
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DECLINED
    assert page.get_by_text("You declined this quote on").is_visible()
    assert page.get_by_role("button", name="Decline").count() == 0
    screenshot(page, "public-quote-03-declined")


def test_a_link_sends_no_referer_to_other_sites(live_server: Any, page: Any, owner: User) -> None:
    path = public_path(sent_quote(owner), owner)
    open_quote(page, live_server.url, path)
    assert referer_sent_elsewhere(page) is None


def cut_off_cells(page: Any) -> list[str]:
    """Table cells that stick out of their box (a scrolling table hides them on a phone)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('main td, main th')].filter(cell => {
                 const box = cell.closest('.table-wrap') || document.querySelector('main');
                 return cell.getBoundingClientRect().right > box.getBoundingClientRect().right + 1;
               }).map(cell => cell.textContent.trim())"""
        )
    )


def open_at(browser: Any, url: str, width: int) -> tuple[Any, Any]:
    viewport = {"width": width, "height": 800}
    context = browser.new_context(viewport=viewport, is_mobile=width < 600)
    page = context.new_page()
    page.goto(url)
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"the page scrolls sideways at {width} px ({scroll} px)"
    assert cut_off_cells(page) == [], f"cells cut off at {width} px"
    return context, page


def test_the_public_invoice_page_reads_as_a_document_on_a_desktop_and_a_phone(
    live_server: Any, browser: Any, owner: User
) -> None:
    from invoicetron.billing.services import record_payment

    factories.business()
    invoice = factories.issued_invoice(owner)
    record_payment(invoice, amount="100", by=owner)
    path = public_path(invoice, owner)
    for name, width in (("desktop", 1280), ("phone", 390)):
        context, page = open_at(browser, live_server.url + path, width)
        assert page.get_by_role("heading", level=1).inner_text() == f"Invoice {invoice.number}"
        for figure in ("Balance due", "332.00", "Paid", "100.00", "IBAN FR76"):
            assert page.get_by_text(figure).first.is_visible(), figure
        assert page.get_by_role("link", name="Download the PDF").is_visible()
        screenshot(page, f"public-invoice-{name}")
        context.close()


def test_the_public_quote_page_fits_a_phone(live_server: Any, browser: Any, owner: User) -> None:
    quote = sent_quote(owner)
    context, page = open_at(browser, live_server.url + public_path(quote, owner), 390)
    assert page.get_by_text("Valid until").is_visible()
    assert page.get_by_text("€2,520.00").first.is_visible()  # (900 + 1200) + 20 % VAT
    assert page.get_by_role("button", name="Accept this quote").is_visible()
    assert page.get_by_role("button", name="Decline").is_visible()
    screenshot(page, "public-quote-phone")
    context.close()
