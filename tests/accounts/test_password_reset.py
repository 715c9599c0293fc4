"""Password reset by email: one page for every address, a single-use expiring link, no SMTP in
the request and no link stored anywhere (the worker builds the email when it sends it)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.messaging.models import Delivery
from tests.fixtures.database import rows_containing
from tests.fixtures.smtp import MailServer
from tests.fixtures.users import OWNER_PASSWORD

pytestmark = pytest.mark.usefixtures("job_tables")

NEW_PASSWORD = "a-fresh-passphrase-for-2026"


def request_reset(client: Client, email: str, ip: str = "203.0.113.5") -> Any:
    return client.post("/accounts/password/reset/", {"email": email}, follow=True, REMOTE_ADDR=ip)


def page_of(response: Any) -> str:
    """The page as every visitor sees it: without their own CSRF token."""
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": "…"', response.content.decode())


def emailed_path(mail_server: MailServer) -> str:
    """The link in the one email received, without its origin (checked to be APP_URL)."""
    [received] = mail_server.received
    body = received.message.get_content()
    [link] = re.findall(r"https?://\S+/accounts/password/reset/\S+", body)
    assert link.startswith(f"{settings.APP_URL}/accounts/password/reset/")
    return link.removeprefix(settings.APP_URL)


def token_of(path: str) -> str:
    """The reset token: the last part of the link that is not its user id."""
    return re.split(r"[/=&?]", path.rstrip("/"))[-1]


def signs_in(password: str, email: str = "owner@example.com") -> bool:
    client = Client()
    client.post("/accounts/login/", {"username": email, "password": password})
    return client.get("/").status_code == 200


def choose_password(client: Client, path: str) -> Any:
    """Open the link and submit its form as a browser would (hidden fields included)."""
    form = client.get(path, follow=True)
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page_of(form)))
    hidden.pop("csrfmiddlewaretoken", None)
    return client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {**hidden, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )


def test_the_sign_in_page_offers_a_password_reset(client: Client, owner: User) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/">Forgot your password?</a>' in page
    assert "Email" in client.get("/accounts/password/reset/").content.decode()


def test_a_reset_request_answers_the_same_for_a_known_and_an_unknown_address(
    owner: User, mail_server: MailServer
) -> None:
    known = request_reset(Client(), owner.email)
    unknown = request_reset(Client(), "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert (
        known.redirect_chain == unknown.redirect_chain == [("/accounts/password/reset/sent/", 302)]
    )
    assert page_of(known) == page_of(unknown)
    assert "If an account uses that address" in page_of(known)
    assert mail_server.received == [], "no mail server is contacted inside the request"

    run_worker(once=True)
    [received] = mail_server.received
    assert received.recipients == [owner.email]
    assert received.message["Subject"] == "Reset your Invoicetron password"


def test_the_queued_job_and_the_database_keep_no_link(owner: User, mail_server: MailServer) -> None:
    request_reset(Client(), owner.email)
    with connection.cursor() as cursor:
        cursor.execute("SELECT task_name, args::text FROM procrastinate_jobs")
        [(task, args)] = cursor.fetchall()
    assert (task, json.loads(args)) == (
        "accounts.send_password_reset",
        {"user_id": owner.pk, "language": "en"},
    )
    run_worker(once=True)
    token = token_of(emailed_path(mail_server))
    assert not Delivery.objects.exists(), "a reset email is not a stored delivery"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM procrastinate_jobs WHERE args::text LIKE %s", [f"%{token}%"]
        )
        assert cursor.fetchone() == (0,)


def test_an_opened_link_keeps_its_token_out_of_the_database_and_of_logged_paths(
    owner: User, mail_server: MailServer
) -> None:
    request_reset(Client(), owner.email)
    run_worker(once=True)
    path = emailed_path(mail_server)
    token = token_of(path)
    assert len(token) > 20
    # Access logs carry the path without its query string: the token must not be in the path.
    assert token not in urlsplit(path).path
    page = Client().get(path, follow=True)
    assert 'name="new_password1"' in page.content.decode()
    assert rows_containing(token) == [], "not in the session table either"


def test_the_emailed_link_sets_a_new_password_once(
    client: Client, owner: User, mail_server: MailServer
) -> None:
    request_reset(client, owner.email)
    run_worker(once=True)
    path = emailed_path(mail_server)

    done = choose_password(client, path)
    assert done.redirect_chain[-1][0] == "/accounts/password/reset/done/"
    assert "Your password is set" in done.content.decode()
    assert signs_in(NEW_PASSWORD)
    assert not signs_in(OWNER_PASSWORD)

    again = Client().get(path, follow=True)
    assert "This reset link is no longer valid" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_the_link_is_refused_once_it_has_expired(
    owner: User, mail_server: MailServer, settings: Any
) -> None:
    request_reset(Client(), owner.email)
    run_worker(once=True)
    path = emailed_path(mail_server)
    # A link is refused once it is older than PASSWORD_RESET_TIMEOUT seconds; below zero, every
    # link already is, without waiting for the clock.
    settings.PASSWORD_RESET_TIMEOUT = -1
    answer = choose_password(Client(), path)
    assert "This reset link is no longer valid" in answer.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(OWNER_PASSWORD)


def test_signing_in_after_the_email_was_sent_spends_the_link(
    owner: User, mail_server: MailServer
) -> None:
    request_reset(Client(), owner.email)
    run_worker(once=True)
    path = emailed_path(mail_server)
    assert signs_in(OWNER_PASSWORD)  # the password was remembered after all: last_login moves
    assert "This reset link is no longer valid" in Client().get(path, follow=True).content.decode()


def test_repeated_requests_for_one_address_send_at_most_three_emails(
    owner: User, mail_server: MailServer
) -> None:
    pages = [page_of(request_reset(Client(), owner.email, ip=f"198.51.100.{n}")) for n in range(5)]
    assert len(set(pages)) == 1, "a throttled request looks like any other"
    run_worker(once=True)
    assert len(mail_server.received) == 3


def test_one_address_asking_for_many_resets_is_told_to_wait(owner: User) -> None:
    client = Client()
    for n in range(10):
        assert request_reset(client, f"someone{n}@example.com").status_code == 200
    refused = request_reset(client, owner.email)
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert request_reset(client, owner.email, ip="192.0.2.44").status_code == 200


def test_a_locked_out_owner_who_resets_the_password_can_sign_in_again(
    client: Client, owner: User, mail_server: MailServer
) -> None:
    """The reset is the way out of a lock: proving the mailbox lifts it, as `unlock` does."""
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/accounts/login/", {"username": owner.email, "password": "wrong"})
    assert not signs_in(OWNER_PASSWORD), "locked, even with the right password"
    request_reset(client, owner.email)
    run_worker(once=True)
    choose_password(client, emailed_path(mail_server))
    assert signs_in(NEW_PASSWORD)
