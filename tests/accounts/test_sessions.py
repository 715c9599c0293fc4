"""Sessions: a process reuses a session it read for a few seconds (accounts/sessions.py), and
signing out, deactivation and a password change still end sessions at once."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts import sessions
from invoicetron.accounts.models import User
from invoicetron.accounts.services import end_sessions
from tests.fixtures.processes import shared_database_url
from tests.fixtures.users import OWNER_PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def reads_the_session(browser: Client) -> bool:
    with CaptureQueriesContext(connection) as captured:
        assert browser.get("/").status_code == 200
    return any('FROM "django_session"' in query["sql"] for query in captured.captured_queries)


def signed_in(user: User) -> Client:
    browser = Client()
    assert sign_in(browser, user.email) == 302
    return browser


def copy_of(browser: Client) -> Client:
    """Another browser holding the same session cookie (a stolen or shared copy)."""
    other = Client()
    other.cookies["sessionid"] = browser.cookies["sessionid"].value
    return other


def test_a_session_read_once_is_reused_without_a_query(owner: User) -> None:
    browser = signed_in(owner)
    browser.get("/")
    assert not reads_the_session(browser)


def test_a_session_deleted_by_another_process_ends_within_the_local_seconds(
    owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sessions, "LOCAL_SECONDS", 1)
    browser = signed_in(owner)
    assert browser.get("/").status_code == 200
    with psycopg.connect(shared_database_url(), autocommit=True) as other_process:
        other_process.execute("DELETE FROM django_session")
    time.sleep(1.1)
    assert browser.get("/").status_code == 302, "signed out once the kept copy expired"


def test_signing_out_ends_the_session_for_every_copy_of_the_cookie(owner: User) -> None:
    browser = signed_in(owner)
    copy = copy_of(browser)
    assert copy.get("/").status_code == 200
    assert browser.post("/accounts/logout/").status_code == 302
    assert copy.get("/").status_code == 302


def test_ending_a_users_sessions_ends_them_at_once_in_this_process(
    owner: User, colleague: User
) -> None:
    browser = signed_in(colleague)
    assert browser.get("/").status_code == 200
    assert end_sessions(colleague) == 1
    assert browser.get("/").status_code == 302


def test_a_password_change_signs_out_the_other_sessions_even_when_kept(owner: User) -> None:
    here, there = signed_in(owner), signed_in(owner)
    assert there.get("/").status_code == 200
    assert not reads_the_session(there)
    form = {
        "old_password": OWNER_PASSWORD,
        "new_password1": "a-new-long-passphrase-42",
        "new_password2": "a-new-long-passphrase-42",
    }
    assert here.post("/accounts/password/", form).status_code == 302
    assert here.get("/").status_code == 200, "the session that changed it stays signed in"
    assert there.get("/").status_code == 302
