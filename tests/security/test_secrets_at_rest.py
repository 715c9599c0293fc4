"""Link tokens and one-time secrets are never stored in plain text, not even for a moment."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice
from invoicetron.messaging.models import Delivery
from invoicetron.messaging.services import queue_email
from invoicetron.portal.models import PublicLink
from tests.automation import jobs
from tests.billing import factories
from tests.messaging import smtp
from tests.messaging.smtp import MailServer

# Fixtures of other test packages, used here by name (tests/security's conftest is the sign-in's).
job_tables = jobs.job_tables
mail_server = smtp.mail_server
pytestmark = pytest.mark.usefixtures("job_tables")

LINK = re.compile(r"https://invoicetron\.test(/p/([\w-]+)/)")


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business()
    return factories.issued_invoice(owner)


@pytest.fixture
def as_owner(owner: User) -> WebClient:
    web = WebClient()
    web.force_login(owner)
    return web


def rows_containing(secret: str) -> list[str]:
    """`table.column` of every text or JSON value in the database that contains `secret`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND data_type IN"
            " ('text', 'character varying', 'json', 'jsonb', 'bytea')"
        )
        columns = cursor.fetchall()
        found = []
        for table, column in columns:
            cursor.execute(
                # The names come from information_schema, not from any input.
                f'SELECT count(*) FROM "{table}" WHERE strpos("{column}"::text, %s) > 0',  # noqa: S608
                [secret],
            )
            if cursor.fetchone()[0]:
                found.append(f"{table}.{column}")
        # Session data is signed and base64-encoded: look inside it as Django reads it.
        cursor.execute("SELECT session_data FROM django_session")
        sessions = [SessionStore().decode(data) for (data,) in cursor.fetchall()]
    found += ["django_session (decoded)" for data in sessions if secret in repr(data)]
    return found


def test_an_emailed_link_works_and_its_token_is_stored_nowhere(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    queue_email(invoice, by=owner)
    run_worker(once=True)
    [received] = mail_server.received
    match = LINK.search(received.message.get_body().get_content())
    assert match, "the email carries the client's link"
    path, token = match.groups()
    assert WebClient().get(path).status_code == 200

    assert rows_containing(token) == []
    assert rows_containing(token[:16]) == []  # not even part of it
    stored = Delivery.objects.get().body
    assert f"/p/…{token[-4:]}/" in stored  # the log still shows which link was sent


def test_an_email_that_failed_and_is_retried_still_carries_a_working_link(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    from invoicetron.messaging import delivery as sending

    delivery = queue_email(invoice, by=owner)
    mail_server.refuse = True
    sending.deliver(delivery.pk)
    mail_server.refuse = False
    sending.deliver(delivery.pk)
    [received] = mail_server.received
    match = LINK.search(received.message.get_body().get_content())
    assert match
    assert WebClient().get(match.group(1)).status_code == 200
    assert rows_containing(match.group(2)) == []
    assert PublicLink.objects.count() == 1  # the failed attempt's link went with it


def test_a_new_public_link_is_shown_once_and_not_kept_in_the_session(
    invoice: Invoice, as_owner: WebClient
) -> None:
    page = as_owner.post(reverse("messaging:new_link", args=["invoice", invoice.pk]))
    stored = rows_containing("/p/")  # whatever the next page would need, kept nowhere
    assert stored == [], stored
    assert page.status_code == 200  # shown in the answer to the POST itself
    assert page["Cache-Control"] == "no-store"
    found = re.search(
        r'id="new-link" value="https://invoicetron\.test(/p/([\w-]+)/)"', page.content.decode()
    )
    assert found, "the new link is shown"
    path, token = found.groups()
    assert WebClient().get(path).status_code == 200
    assert rows_containing(token) == []  # django_session included
    again = as_owner.get(reverse("billing:invoice", args=[invoice.pk]))
    assert token not in again.content.decode()


def test_a_new_api_token_is_shown_once_and_not_kept_in_the_session(as_owner: WebClient) -> None:
    page = as_owner.post(reverse("api_tokens:list"), {"name": "Accounting sync"})
    found = re.search(r'<code id="new-token">([^<]+)</code>', page.content.decode())
    assert found, "the new token is shown"
    token = found.group(1)
    assert rows_containing(token) == []
    assert token not in as_owner.get(reverse("api_tokens:list")).content.decode()
