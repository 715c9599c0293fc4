"""Link tokens and one-time secrets are never stored in plain text, not even for a moment."""

from __future__ import annotations

import re

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice
from invoicetron.messaging.models import Delivery
from invoicetron.messaging.services import queue_email
from invoicetron.portal.models import PublicLink
from tests.fixtures import factories
from tests.fixtures.database import rows_containing
from tests.fixtures.smtp import MailServer

# Fixtures of other test packages, used here by name (tests/security's conftest is the sign-in's).
pytestmark = pytest.mark.usefixtures("job_tables")

LINK = re.compile(r"https://invoicetron\.test(/p/([\w-]+)/)")


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business()
    return factories.issued_invoice(owner)


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
