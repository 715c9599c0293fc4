"""Setting up two-factor sign-in and signing in with it, in a real browser."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from invoicetron.accounts.models import User
from tests.fixtures.browser import screenshot
from tests.fixtures.two_factor import code
from tests.fixtures.users import OWNER_PASSWORD

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def sign_in_with_password(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill("owner@example.com")
    page.get_by_label("Password").fill(OWNER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_setting_up_two_factor_and_signing_in_with_a_code(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    sign_in_with_password(page, base)
    page.wait_for_url(f"{base}/")
    page.get_by_role("link", name="Olivia Owner").click()
    page.get_by_role("link", name="Two-factor sign-in").click()
    page.wait_for_url(f"{base}/accounts/two-factor/")
    qr = page.locator(".qr-code svg")
    assert qr.is_visible() and qr.bounding_box()["width"] >= 100
    secret = page.locator("#totp-secret").inner_text()
    key = base64.b32decode(secret.replace(" ", ""))
    screenshot(page, "two-factor-setup")

    page.get_by_label("Code").fill(code(key))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.get_by_role("heading", name="Two-factor sign-in is on").wait_for()
    assert page.locator("li.recovery-code").count() == 10
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have saved them").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/accounts/login/")

    sign_in_with_password(page, base)
    page.wait_for_url(f"{base}/accounts/login/code/")
    page.get_by_label("Code").fill("000000" if code(key, step=1) != "000000" else "111111")
    page.get_by_role("button", name="Verify").click()
    assert page.get_by_text("That code is not right").is_visible()
    screenshot(page, "two-factor-code-step")
    page.get_by_label("Code").fill(code(key, step=1))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{base}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Olivia Owner"

    page.goto(f"{base}/settings/users/")
    page.get_by_label("Require two-factor sign-in for everyone").check()
    page.locator("#two-factor-policy").get_by_role("button", name="Save").click()
    page.get_by_text("Two-factor sign-in is now required for everyone.").wait_for()
    screenshot(page, "two-factor-required-for-everyone")
