from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from tests.fixtures.browser import screenshot
from tests.fixtures.users import OWNER_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_signing_in_and_out_in_a_real_browser(live_server: Any, page: Any, owner: User) -> None:
    page.goto(f"{live_server.url}/")
    assert page.url.endswith("/accounts/login/?next=/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text().startswith("That email and password do not match")

    page.get_by_label("Password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Olivia Owner"
    screenshot(page, "signed-in-desktop")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")


def test_the_sign_in_page_fits_a_phone(live_server: Any, browser: Any, owner: User) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "no horizontal scrolling on a phone"
    assert page.get_by_role("button", name="Sign in").is_visible()
    screenshot(page, "sign-in-phone")
    context.close()


def test_the_stylesheet_is_served_by_the_app_and_no_request_leaves_it(
    live_server: Any, page: Any
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{live_server.url}/accounts/login/")
    color = page.evaluate("getComputedStyle(document.querySelector('button')).backgroundColor")
    assert color == "rgb(31, 78, 121)", "app.css must be applied"
    assert requested and all(url.startswith(live_server.url) for url in requested)
