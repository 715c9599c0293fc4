"""Emails are plain text: a name with an apostrophe or an ampersand is written as it is, in the
email sent and in the preview on the document's page (escaped once there, as all HTML)."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice
from invoicetron.messaging.services import queue_email
from tests.fixtures import factories
from tests.fixtures.smtp import MailServer

pytestmark = pytest.mark.usefixtures("job_tables")


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business(name="Dunne & Daughters")
    client = factories.client("O'Brien & Sons", email="ap@obrien.example")
    return factories.issued_invoice(owner, for_client=client)


def test_the_preview_on_the_invoice_page_shows_the_names_escaped_once(
    invoice: Invoice, owner: User
) -> None:
    web = WebClient()
    web.force_login(owner)
    html = web.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    preview = html[html.index('<details class="mail-body">') :].split("</details>")[0]
    # What the browser shows as: Hello O'Brien & Sons,
    assert "Hello O&#x27;Brien &amp; Sons," in preview
    assert "&amp;#x27;" not in html and "&amp;amp;" not in html
    subject = html[html.index('<p class="mail-subject">') :].split("</p>")[0]
    assert f"Invoice {invoice.number} from Dunne &amp; Daughters" in subject


def test_the_email_sent_has_the_names_as_written(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    queue_email(invoice, by=owner)
    run_worker(once=True)
    [received] = mail_server.received
    assert received.message["Subject"] == f"Invoice {invoice.number} from Dunne & Daughters"
    body = received.message.get_body().get_content()
    assert body.startswith("Hello O'Brien & Sons,")
    assert body.rstrip().endswith("Dunne & Daughters")
