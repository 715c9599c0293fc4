"""The dashboard (reports app) in a real browser: charts drawn, no horizontal scrolling on a phone.

It lives here rather than in tests/reports so that it shares the session's one Playwright browser.
"""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from tests.fixtures.books import books
from tests.fixtures.browser import screenshot

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def sign_in(page: Any, live_server: Any, owner: User) -> None:
    from tests.fixtures.users import OWNER_PASSWORD

    page.goto(f"{live_server.url}/accounts/login/?next=/dashboard/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/dashboard/")


def test_the_dashboard_draws_its_charts_on_a_desktop_and_a_phone(
    live_server: Any, browser: Any, owner: User
) -> None:
    books(owner)
    for name, viewport in (("desktop", (1280, 900)), ("phone", (375, 740))):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        tab = context.new_page()
        errors: list[Any] = []
        tab.on("console", lambda message, sink=errors: sink.append(message))
        sign_in(tab, live_server, owner)
        chart = tab.get_by_role("img", name="Invoiced and received per month, last 12 months")
        assert chart.is_visible()
        assert tab.locator("svg.chart rect.bar-invoiced").count() == 12
        assert tab.locator(".aging svg rect.bucket").count() == 5
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport[0], f"no horizontal scrolling ({name})"
        assert not [m.text for m in errors], "no console errors (e.g. a CSP violation)"
        screenshot(tab, f"dashboard-{name}")
        context.close()


def test_the_home_page_after_sign_in_shows_the_dashboard(
    live_server: Any, page: Any, owner: User
) -> None:
    books(owner)
    from tests.fixtures.users import OWNER_PASSWORD

    page.goto(f"{live_server.url}/")
    page.get_by_label("Email").fill(owner.email)
    page.get_by_label("Password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Olivia Owner"
    assert page.locator("svg.chart rect.bar-received").count() == 12
    assert page.get_by_role("heading", name="Recent invoices").is_visible()
    screenshot(page, "home-with-dashboard")
