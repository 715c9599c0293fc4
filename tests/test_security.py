"""Origin checks, cookie flags and security headers."""

from __future__ import annotations

import pytest
from django.test import Client

from invoicetron.accounts.models import User
from tests.fixtures.users import OWNER_PASSWORD

pytestmark = pytest.mark.django_db


def login_with_origin(origin: str | None, host: str = "invoicetron.test") -> int:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", HTTP_HOST=host, secure=True)
    token = page.cookies["csrftoken"].value
    headers = {"HTTP_HOST": host, "HTTP_X_CSRFTOKEN": token}
    if origin:
        headers["HTTP_ORIGIN"] = origin
    response = client.post(
        "/accounts/login/",
        {"username": "owner@example.com", "password": OWNER_PASSWORD},
        secure=True,
        **headers,
    )
    return response.status_code


def test_a_post_from_an_untrusted_origin_is_refused(owner: User) -> None:
    assert login_with_origin("https://evil.example") == 403


def test_a_post_from_the_app_url_is_accepted(owner: User) -> None:
    assert login_with_origin("https://invoicetron.test") == 302


def test_a_post_from_an_additional_trusted_origin_is_accepted(owner: User) -> None:
    assert (
        login_with_origin("https://internal.invoicetron.test", host="internal.invoicetron.test")
        == 302
    )


def test_a_post_across_trusted_origins_is_accepted(owner: User) -> None:
    # The internal URL posting to the public host: both are ours.
    assert login_with_origin("https://internal.invoicetron.test") == 302


def test_session_cookie_flags_over_https(client: Client, owner: User) -> None:
    response = client.post(
        "/accounts/login/",
        {"username": "owner@example.com", "password": OWNER_PASSWORD},
        secure=True,
    )
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True


def test_security_headers_are_sent(client: Client, owner: User) -> None:
    response = client.get("/accounts/login/", secure=True)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_use_no_external_assets(client: Client, owner: User) -> None:
    # With an account, so that the sign-in page itself is checked, not a redirect to setup.
    html = client.get("/accounts/login/").content.decode()
    assert "http://" not in html.replace("http://www.w3.org", "")
    assert "https://" not in html
