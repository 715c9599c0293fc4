"""Issue 14 items 4 and 5: the sign-in lock cannot be dodged, ends on time, and can be lifted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from invoicetron.accounts.models import User
from tests.security.throttle import lock, minutes_pass, sign_in

pytestmark = pytest.mark.django_db

VARIANTS = (
    "Colleague@example.com",
    " colleague@example.com",
    "COLLEAGUE@EXAMPLE.COM ",
    "colleague@Example.Com",
)


def signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_every_spelling_of_a_locked_email_is_refused_even_with_the_right_password(
    colleague: User,
) -> None:
    lock("colleague@example.com")
    for variant in VARIANTS:
        browser = Client()
        assert sign_in(browser, variant) == 429, variant
        assert not signed_in(browser), variant


def test_failures_under_different_spellings_add_up_to_one_lock(colleague: User) -> None:
    for variant in VARIANTS:
        assert sign_in(Client(), variant, "wrong-password") == 200
    assert sign_in(Client(), "colleague@example.com", "wrong-password") == 429
    assert sign_in(Client(), "colleague@example.com") == 429


def test_a_lock_ends_on_time_whatever_is_tried_during_it(colleague: User) -> None:
    lock("colleague@example.com")
    minutes_pass(10)
    # The attacker keeps trying, wrong and right passwords, from several addresses.
    for address in ("203.0.113.9", "198.51.100.20"):
        assert sign_in(Client(), "colleague@example.com", "wrong", REMOTE_ADDR=address) == 429
        assert sign_in(Client(), "colleague@example.com", REMOTE_ADDR=address) == 429
    minutes_pass(4)
    assert sign_in(Client(), "colleague@example.com") == 429, "14 minutes: still locked"
    minutes_pass(1.05)
    browser = Client()
    assert sign_in(browser, "colleague@example.com") == 302, "15 minutes after it started"
    assert signed_in(browser)


def locked_row(page: str, email: str) -> str:
    row = next(row for row in page.split("<tr") if email in row)
    return row


def test_behind_a_trusted_proxy_the_lock_is_keyed_on_the_forwarded_client_address(
    settings: Any, owner: User, colleague: User
) -> None:
    settings.TRUST_PROXY_HEADERS = True
    # The proxy (10.0.0.2) appends the address it saw; what the client sent before it is a claim.
    lock(
        "colleague@example.com",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7",
    )
    owner_browser = Client()
    owner_browser.force_login(owner)
    row = locked_row(owner_browser.get("/settings/users/").content.decode(), colleague.email)
    assert "198.51.100.7" in row
    assert "10.0.0.2" not in row and "1.2.3.4" not in row


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(
    owner: User, colleague: User
) -> None:
    lock("colleague@example.com", REMOTE_ADDR="203.0.113.50", HTTP_X_FORWARDED_FOR="1.2.3.4")
    owner_browser = Client()
    owner_browser.force_login(owner)
    row = locked_row(owner_browser.get("/settings/users/").content.decode(), colleague.email)
    assert "203.0.113.50" in row and "1.2.3.4" not in row


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert match, "the page has a CSRF token"
    return match.group(1)


def test_the_owner_unlocks_a_locked_member_from_the_users_page(
    owner: User, colleague: User
) -> None:
    lock("colleague@example.com")
    owner_browser = Client(enforce_csrf_checks=True)
    owner_browser.force_login(owner)
    page = owner_browser.get("/settings/users/").content.decode()
    row = locked_row(page, colleague.email)
    assert "Locked" in row
    unlock_url = f"/settings/users/{colleague.pk}/unlock/"
    assert f'action="{unlock_url}"' in row
    assert "unlock" not in locked_row(page, owner.email).lower(), "only locked accounts offer it"

    assert owner_browser.post(unlock_url).status_code == 403, "no CSRF token, no unlock"
    assert sign_in(Client(), "colleague@example.com") == 429

    done = owner_browser.post(unlock_url, {"csrfmiddlewaretoken": csrf_token(page)}, follow=True)
    assert done.status_code == 200
    assert "colleague@example.com can sign in again" in done.content.decode()
    assert "Locked" not in locked_row(done.content.decode(), colleague.email)
    browser = Client()
    assert sign_in(browser, "Colleague@Example.com") == 302
    assert signed_in(browser)


def test_a_member_cannot_unlock_anyone(owner: User, colleague: User) -> None:
    lock("owner@example.com")
    member = Client()
    member.force_login(colleague)
    assert member.post(f"/settings/users/{owner.pk}/unlock/").status_code == 403
    assert sign_in(Client(), "owner@example.com") == 429
