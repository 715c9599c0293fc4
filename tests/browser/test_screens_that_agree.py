"""In Chromium: a paid invoice offers no credit note, the credit notes have their list, and a
colleague on an owner's page gets the app's own 403 with a way back."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in
from tests.fixtures.users import OWNER_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_credit_notes_are_offered_until_all_is_credited_and_listed_from_the_menu(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    invoice = factories.issued_invoice(owner)
    sign_in(page, base)

    page.goto(f"{base}/invoices/{invoice.pk}/")
    page.get_by_role("link", name="Credit note", exact=True).click()
    page.get_by_label("Only the quantities below").check()
    page.get_by_label("Quantity to credit: Font licence").fill("1")
    page.get_by_role("button", name="Issue credit note").click()
    page.get_by_text("is issued.").wait_for()
    page.get_by_label("Amount").fill("288")
    page.get_by_role("button", name="Record payment").click()
    page.get_by_text("recorded.").wait_for()
    assert page.locator(".subtitle .badge").first.inner_text() == "Paid"
    # A paid invoice is still credited; what the note takes goes to the client's credit (#19).
    page.get_by_role("link", name="Credit note", exact=True).click()
    page.get_by_role("button", name="Issue credit note").click()
    page.get_by_text("is issued.").wait_for()
    assert page.locator(".subtitle .badge").first.inner_text() == "Credited"
    assert page.get_by_role("link", name="Credit note", exact=True).count() == 0

    page.goto(f"{base}/invoices/{invoice.pk}/credit/")  # the address agrees with the page
    page.get_by_text("Nothing is left to credit: credit notes already cover invoice").wait_for()
    assert page.url == f"{base}/invoices/{invoice.pk}/"

    page.get_by_role("link", name="Credit notes").click()
    page.get_by_role("heading", name="Credit notes").wait_for()
    row = page.get_by_role("row", name=invoice.number).filter(has_text="144.00 EUR")
    assert "Globex Corporation" in row.inner_text()
    screenshot(page, "screens-01-credit-note-list")
    row.get_by_role("link", name=invoice.number).click()
    page.wait_for_url(f"{base}/invoices/{invoice.pk}/")


def test_a_colleague_on_an_owner_page_sees_the_apps_403_and_goes_back(
    live_server: Any, page: Any, colleague: User
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(colleague.email)
    page.get_by_label("Password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/")

    response = page.goto(f"{base}/settings/tax-rates/")
    assert response.status == 403
    page.get_by_role("heading", name="You cannot open this page").wait_for()
    assert page.get_by_role("navigation", name="Main").is_visible()
    screenshot(page, "screens-02-403")
    page.get_by_role("link", name="Back to the dashboard").click()
    page.wait_for_url(f"{base}/")


def test_an_unknown_address_shows_the_apps_404(live_server: Any, page: Any, owner: User) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    sign_in(page, base)
    response = page.goto(f"{base}/invoices/999999/")
    assert response.status == 404
    page.get_by_role("heading", name="Page not found").wait_for()
    assert page.get_by_role("navigation", name="Main").is_visible()
    screenshot(page, "screens-03-404")
