"""Issue 14 item 5: the operator unlocks an account and resets a password with `invoicetron`."""

from __future__ import annotations

import pytest
from django.test import Client

from invoicetron.accounts.models import User
from tests.fixtures.processes import cli_environment, run_cli, shared_database_url
from tests.fixtures.users import OWNER_PASSWORD
from tests.security.throttle import lock, sign_in

# The `invoicetron` subprocess reads the test database, so the data must be committed.
# The account commands run as `invoicetron` subprocesses: slow.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NEW_PASSWORD = "a-fresh-passphrase-from-the-operator-9"


def invoicetron(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = run_cli(*args, env=cli_environment(DATABASE_URL=shared_database_url()), stdin=stdin)
    return result.returncode, result.stdout + result.stderr


def test_unlock_lets_a_locked_member_sign_in_again(colleague: User) -> None:
    lock("colleague@example.com")
    status, output = invoicetron("unlock", "--email", " Colleague@Example.com")
    assert status == 0, output
    assert "colleague@example.com can sign in again" in output
    assert sign_in(Client(), "colleague@example.com") == 302


def test_unlock_of_an_account_that_is_not_locked_says_so(colleague: User) -> None:
    status, output = invoicetron("unlock", "--email", "colleague@example.com")
    assert status == 0, output
    assert "colleague@example.com was not locked" in output


def test_password_resets_a_forgotten_password_and_lifts_the_lock(colleague: User) -> None:
    elsewhere = Client()
    assert sign_in(elsewhere, "colleague@example.com", REMOTE_ADDR="192.0.2.5") == 302
    lock("colleague@example.com")
    status, output = invoicetron(
        "password", "--email", "COLLEAGUE@example.com", "--password-stdin", stdin=NEW_PASSWORD
    )
    assert status == 0, output
    assert "New password set for colleague@example.com" in output
    assert NEW_PASSWORD not in output
    assert sign_in(Client(), "colleague@example.com", OWNER_PASSWORD) == 200, "old one is gone"
    assert sign_in(Client(), "colleague@example.com", NEW_PASSWORD) == 302
    assert elsewhere.get("/").status_code == 302, "signed out everywhere"


def test_password_refuses_an_unknown_email_or_a_weak_password_and_changes_nothing(
    colleague: User,
) -> None:
    status, output = invoicetron(
        "password", "--email", "nobody@example.com", "--password-stdin", stdin=NEW_PASSWORD
    )
    assert status != 0
    assert "No account has the email nobody@example.com" in output
    assert not User.objects.filter(email="nobody@example.com").exists()
    status, output = invoicetron(
        "password", "--email", "colleague@example.com", "--password-stdin", stdin="password"
    )
    assert status != 0
    assert "Password refused" in output
    assert sign_in(Client(), "colleague@example.com", OWNER_PASSWORD) == 302


def test_unlock_and_password_are_listed_and_explain_themselves() -> None:
    listing = run_cli("--help").stdout
    assert "unlock" in listing and "password" in listing
    for command in ("unlock", "password"):
        result = run_cli(command, "--help")
        assert result.returncode == 0, result.stderr
        assert "usage: invoicetron " + command in result.stdout
        assert "--email" in result.stdout
