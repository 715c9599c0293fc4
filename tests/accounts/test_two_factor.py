"""Two-factor sign-in: TOTP set up from the shown secret, a second step at sign-in, recovery
codes that work once, the owner's "required for everyone", and API tokens left alone."""

from __future__ import annotations

import pytest
from django.test import Client

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from tests.fixtures.database import rows_containing
from tests.fixtures.two_factor import (
    code,
    code_step,
    password_step,
    set_up_two_factor,
    shown_recovery_codes,
    shown_secret,
    signed_in,
)
from tests.fixtures.users import OWNER_PASSWORD

pytestmark = pytest.mark.django_db


def test_setting_up_shows_the_secret_and_a_qr_code_and_then_ten_recovery_codes_once(
    as_owner: Client,
) -> None:
    page = as_owner.get("/accounts/two-factor/").content.decode()
    key = shown_secret(page)
    assert "<svg" in page and "https://" not in page.split("<svg", 1)[1].split("</svg>")[0]

    wrong = as_owner.post("/accounts/two-factor/", {"action": "confirm", "code": "000000"})
    if code(key) == "000000":  # pragma: no cover - one chance in a million
        return
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    assert shown_secret(wrong.content.decode()) == key, "the same secret while unconfirmed"

    done = as_owner.post("/accounts/two-factor/", {"action": "confirm", "code": code(key)})
    codes = shown_recovery_codes(done.content.decode())
    assert len(set(codes)) == 10
    later = as_owner.get("/accounts/two-factor/").content.decode()
    assert "Two-factor sign-in is on" in later
    assert "10 recovery codes left" in later
    assert not shown_recovery_codes(later) and 'id="totp-secret"' not in later


def test_sign_in_asks_for_the_code_after_the_password(as_owner: Client, owner: User) -> None:
    key, _codes = set_up_two_factor(as_owner)
    client = Client()
    assert password_step(client, owner.email, OWNER_PASSWORD) == "/accounts/login/code/"
    assert not signed_in(client), "the password alone does not sign in"
    assert "authenticator app" in client.get("/accounts/login/code/").content.decode()

    assert code_step(client, "12345") == 200  # wrong: refused beside the field
    assert not signed_in(client)
    assert code_step(client, code(key, step=1)) == 302
    assert signed_in(client)


def test_the_code_step_without_a_password_first_goes_back_to_sign_in(client: Client) -> None:
    response = client.get("/accounts/login/code/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert client.post("/accounts/login/code/", {"code": "123456"}).status_code == 302


def test_a_recovery_code_works_once(as_owner: Client, owner: User) -> None:
    _key, codes = set_up_two_factor(as_owner)
    first = Client()
    password_step(first, owner.email, OWNER_PASSWORD)
    assert code_step(first, codes[0].upper()) == 302
    assert signed_in(first)

    second = Client()
    password_step(second, owner.email, OWNER_PASSWORD)
    assert code_step(second, codes[0]) == 200
    assert not signed_in(second)
    assert code_step(second, codes[1]) == 302
    assert "8 recovery codes left" in second.get("/accounts/two-factor/").content.decode()


def test_wrong_codes_count_as_failed_sign_ins_and_lock_the_account(
    as_owner: Client, owner: User
) -> None:
    key, _codes = set_up_two_factor(as_owner)
    client = Client()
    password_step(client, owner.email, OWNER_PASSWORD)
    answers = [code_step(client, "000001") for _ in range(5)]
    assert answers[-1] == 429
    locked = client.post("/accounts/login/code/", {"code": code(key, step=1)})
    assert locked.status_code in (302, 429)
    assert not signed_in(client), "the right code does not get through a lock"
    again = Client().post("/accounts/login/", {"username": owner.email, "password": OWNER_PASSWORD})
    assert again.status_code == 429


def test_a_session_from_before_two_factor_was_turned_on_must_sign_in_again(
    owner: User,
) -> None:
    laptop, phone = Client(), Client()
    laptop.force_login(owner)
    phone.force_login(owner)
    set_up_two_factor(phone)
    assert signed_in(phone)
    assert not signed_in(laptop)


def test_turning_two_factor_off_takes_a_code(as_owner: Client, owner: User) -> None:
    key, _codes = set_up_two_factor(as_owner)
    wrong = as_owner.post("/accounts/two-factor/", {"action": "disable", "code": "999999"})
    assert wrong.status_code == 400
    off = as_owner.post("/accounts/two-factor/", {"action": "disable", "code": code(key, step=1)})
    assert off.status_code == 302
    assert "Two-factor sign-in is off" in as_owner.get("/accounts/two-factor/").content.decode()
    client = Client()
    assert password_step(client, owner.email, OWNER_PASSWORD) == "/"
    assert signed_in(client)


def test_only_an_owner_may_require_two_factor_for_everyone(
    as_owner: Client, colleague: User
) -> None:
    member = Client()
    member.force_login(colleague)
    assert member.post("/accounts/two-factor/policy/", {"require": "on"}).status_code == 403
    assert 'name="require"' in as_owner.get("/settings/users/").content.decode()


def test_when_required_a_member_without_it_can_only_set_it_up(
    as_owner: Client, owner: User, colleague: User
) -> None:
    set_up_two_factor(as_owner)
    assert as_owner.post("/accounts/two-factor/policy/", {"require": "on"}).status_code == 302
    assert "required for everyone" in as_owner.get("/settings/users/").content.decode()

    member = Client()
    assert password_step(member, colleague.email, OWNER_PASSWORD) == "/"
    home = member.get("/")
    assert (home.status_code, home["Location"]) == (302, "/accounts/two-factor/")
    assert member.get("/invoices/")["Location"] == "/accounts/two-factor/"
    page = member.get("/accounts/two-factor/").content.decode()
    assert "requires two-factor sign-in" in page
    assert member.post("/accounts/logout/").status_code == 302  # signing out still works

    member.force_login(colleague)
    set_up_two_factor(member)
    assert signed_in(member)


def test_api_tokens_work_whatever_the_two_factor_rules(
    as_owner: Client, owner: User, colleague: User
) -> None:
    set_up_two_factor(as_owner)
    as_owner.post("/accounts/two-factor/policy/", {"require": "on"})
    for user in (owner, colleague):  # with a device, and without one while it is required
        secret = create_token(user, "script").secret
        answer = Client().get("/api/v1/clients", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 200, answer.content


def test_an_owner_without_two_factor_cannot_require_it_of_everyone(
    as_owner: Client, colleague: User
) -> None:
    answer = as_owner.post("/accounts/two-factor/policy/", {"require": "on"}, follow=True)
    assert "Set up two-factor sign-in for yourself first" in answer.content.decode()
    member = Client()
    member.force_login(colleague)
    assert signed_in(member)


def test_a_user_added_while_it_is_required_must_set_it_up_too(as_owner: Client) -> None:
    set_up_two_factor(as_owner)
    as_owner.post("/accounts/two-factor/policy/", {"require": "on"})
    newcomer = User.objects.create_user("new@example.com", OWNER_PASSWORD)
    client = Client()
    client.force_login(newcomer)
    assert client.get("/")["Location"] == "/accounts/two-factor/"
    as_owner.post("/accounts/two-factor/policy/", {})  # unticked: optional again
    assert signed_in(client)


def test_a_browser_session_that_must_set_it_up_gets_a_clear_api_refusal(
    as_owner: Client, colleague: User
) -> None:
    set_up_two_factor(as_owner)
    as_owner.post("/accounts/two-factor/policy/", {"require": "on"})
    member = Client()
    member.force_login(colleague)
    answer = member.get("/api/v1/clients")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "two_factor_required"


def test_recovery_codes_are_stored_only_as_keyed_digests_and_still_work(
    as_owner: Client, owner: User
) -> None:
    _key, codes = set_up_two_factor(as_owner)
    for recovery_code in codes:
        assert rows_containing(recovery_code) == []
    client = Client()
    password_step(client, owner.email, OWNER_PASSWORD)
    assert code_step(client, codes[3]) == 302
    assert "9 recovery codes left" in client.get("/accounts/two-factor/").content.decode()
