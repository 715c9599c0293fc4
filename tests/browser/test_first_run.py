"""First run in Chromium: with no account yet, every way in leads to creating the owner."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from tests.fixtures.browser import screenshot
from tests.fixtures.users import OWNER_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_fresh_installation_leads_from_the_home_page_to_creating_the_owner(
    live_server: Any, page: Any
) -> None:
    page.goto(f"{live_server.url}/")
    page.wait_for_url(f"{live_server.url}/accounts/setup/")
    screenshot(page, "first-run-setup")
    page.get_by_label("Your name").fill("Ada Owner")
    page.get_by_label("Email").fill("ada@example.com")
    page.locator("#id_password1").fill(OWNER_PASSWORD)
    page.locator("#id_password2").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Create owner account").click()
    page.wait_for_url(f"{live_server.url}/")
    assert User.objects.get().is_owner
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_url(f"{live_server.url}/")  # signed in; the sign-in page no longer leads away


def test_in_production_the_setup_page_shows_the_operator_the_command(
    live_server: Any, page: Any, settings: Any
) -> None:
    settings.PRODUCTION = True
    page.goto(f"{live_server.url}/accounts/login/")
    page.wait_for_url(f"{live_server.url}/accounts/setup/")
    command = page.locator("pre.command").inner_text()
    assert command == "invoicetron createuser --owner --email you@example.com --password-stdin"
    assert page.get_by_role("button").count() == 0, "no form: nobody claims it over the web"
    screenshot(page, "first-run-setup-production")
