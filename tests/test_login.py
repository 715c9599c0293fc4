from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from invoicetron.accounts.models import User
from tests.fixtures.users import FAST_HASHER, OWNER_PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client: Client, password: str, email: str = "owner@example.com", **extra: str) -> int:
    response = client.post("/accounts/login/", {"username": email, "password": password}, **extra)
    return response.status_code


def test_signing_in_with_email_and_password_opens_the_home_page(
    client: Client, owner: User
) -> None:
    assert client.get("/").status_code == 302
    assert sign_in(client, OWNER_PASSWORD, email="Owner@Example.com") == 302
    page = client.get("/")
    assert page.status_code == 200
    assert "Olivia Owner" in page.content.decode()


def test_passwords_are_hashed_with_argon2(settings: Any) -> None:
    # The production hashers, without the fast one every other test uses (tests/fixtures/users.py).
    settings.PASSWORD_HASHERS = [h for h in settings.PASSWORD_HASHERS if h != FAST_HASHER]
    user = User.objects.create_user("owner@example.com", OWNER_PASSWORD)
    assert user.password.startswith("argon2")
    assert user.check_password(OWNER_PASSWORD)


def test_a_wrong_password_says_so_beside_the_form(client: Client, owner: User) -> None:
    response = client.post("/accounts/login/", {"username": owner.email, "password": "nope"})
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()


def test_repeated_failures_lock_the_account_with_a_clear_message(
    client: Client, owner: User
) -> None:
    for _ in range(5):
        sign_in(client, "wrong-password", REMOTE_ADDR="203.0.113.9")
    response = client.post(
        "/accounts/login/",
        {"username": owner.email, "password": OWNER_PASSWORD},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert client.get("/").status_code == 302, "the correct password must not get through"


def test_the_lock_also_holds_from_another_address(client: Client, owner: User) -> None:
    for attempt in range(5):
        sign_in(client, "wrong-password", REMOTE_ADDR=f"198.51.100.{attempt}")
    assert sign_in(client, OWNER_PASSWORD, REMOTE_ADDR="192.0.2.77") == 429


def test_failures_on_one_account_do_not_lock_another(
    client: Client, owner: User, colleague: User
) -> None:
    for _ in range(5):
        sign_in(client, "wrong-password", email=owner.email, REMOTE_ADDR="203.0.113.9")
    assert sign_in(client, OWNER_PASSWORD, email=colleague.email, REMOTE_ADDR="192.0.2.1") == 302


def test_sign_out_needs_a_post(client: Client, owner: User) -> None:
    client.force_login(owner)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_changing_the_password(client: Client, owner: User) -> None:
    client.force_login(owner)
    new_password = "a-brand-new-passphrase-7"
    response = client.post(
        "/accounts/password/",
        {
            "old_password": OWNER_PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new_password)


def test_a_weak_new_password_is_refused_beside_its_field(client: Client, owner: User) -> None:
    client.force_login(owner)
    response = client.post(
        "/accounts/password/",
        {"old_password": OWNER_PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()


def test_the_sign_in_page_leads_to_setup_while_no_account_exists(client: Client) -> None:
    response = client.get("/accounts/login/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/setup/")
    home = client.get("/", follow=True)
    assert home.redirect_chain[-1] == ("/accounts/setup/", 302)
    assert "Create the owner account" in home.content.decode()


def test_once_an_account_exists_sign_in_is_shown_and_setup_is_closed(
    client: Client, owner: User
) -> None:
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "Sign in" in page.content.decode()
    assert client.get("/accounts/setup/").status_code == 404


def test_in_production_setup_tells_how_the_operator_creates_the_owner(
    client: Client, settings: object
) -> None:
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    assert client.get("/accounts/login/")["Location"] == "/accounts/setup/"
    page = client.get("/accounts/setup/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "invoicetron createuser --owner --email" in text
    assert 'name="password1"' not in text, "nobody claims a production installation over the web"
    posted = client.post(
        "/accounts/setup/",
        {
            "full_name": "Eve",
            "email": "eve@example.com",
            "password1": "x" * 20,
            "password2": "x" * 20,
        },
    )
    assert posted.status_code == 404
    assert not User.objects.exists()
    User.objects.create_user("boss@example.com", OWNER_PASSWORD, is_owner=True)
    assert client.get("/accounts/setup/").status_code == 404
    assert client.get("/accounts/login/").status_code == 200


def test_first_run_setup_creates_the_owner_once(client: Client) -> None:
    assert client.get("/accounts/setup/").status_code == 200
    response = client.post(
        "/accounts/setup/",
        {
            "full_name": "Ada Owner",
            "email": "ada@example.com",
            "password1": OWNER_PASSWORD,
            "password2": OWNER_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = User.objects.get()
    assert user.is_owner and user.email == "ada@example.com"
    assert client.get("/accounts/setup/").status_code == 404


def test_setup_shows_password_errors_beside_the_field(client: Client) -> None:
    response = client.post(
        "/accounts/setup/",
        {"full_name": "A", "email": "a@example.com", "password1": "x1", "password2": "x2"},
    )
    assert response.status_code == 200
    assert "The two passwords differ" in response.content.decode()
    assert not User.objects.exists()
