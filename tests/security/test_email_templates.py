"""Email templates get plain values only: no model object, no tag that reaches beyond them."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice
from invoicetron.billing.services import business_today
from invoicetron.messaging.models import EmailTemplate
from invoicetron.messaging.services import queue_email
from tests.fixtures import factories
from tests.fixtures.smtp import MailServer

# Fixtures of other test packages, used here by name (tests/security's conftest is the sign-in's).
pytestmark = pytest.mark.usefixtures("job_tables")

LOREM = "Lorem ipsum dolor sit amet"


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business()
    return factories.issued_invoice(owner)


def template_page(kind: str = "invoice") -> str:
    return reverse("messaging:template", args=[kind])


def sent_body(mail_server: MailServer) -> str:
    [received] = mail_server.received
    return str(received.message.get_body().get_content())


@pytest.mark.parametrize(
    "body",
    [
        "Hello {{ client.invoices.first.created_by.password }}",
        "Hello {{ invoice.created_by.password }}",
        "Hello {{ client_name|default:client.invoices.first.created_by.password }}",
        "{% lorem %}",
        "{% debug %}",
        '{% load static %}{% static "x" %}',
        '{% include "web/base.html" %}',
        '{% url "messaging:templates" %}',
        '{% extends "web/base.html" %}',
    ],
)
@pytest.mark.parametrize("action", ["save", "preview"])
def test_a_template_reaching_beyond_the_plain_values_is_refused_naming_the_allowed_ones(
    invoice: Invoice,
    owner: User,
    as_owner: WebClient,
    mail_server: MailServer,
    body: str,
    action: str,
) -> None:
    form = {"subject": "Invoice {{ number }}", "body": body, action: "1"}
    page = as_owner.post(template_page(), form)
    html = page.content.decode()
    assert page.status_code == 400
    errors = html.split('class="errorlist', 1)[1].split("</ul>", 1)[0]  # the field's error
    assert "You can use only these placeholders" in errors
    assert "{{ client_name }}" in errors and "{{ link }}" in errors  # the allowed ones named
    assert owner.password not in html and LOREM not in html
    assert not EmailTemplate.objects.exists()

    queue_email(invoice, by=owner)
    run_worker(once=True)
    text = sent_body(mail_server)
    assert owner.password not in text and LOREM not in text
    assert f"Please find attached invoice {invoice.number}" in text  # the default, unchanged


def test_a_template_saved_before_the_rules_cannot_reach_an_object_when_sent(
    invoice: Invoice, owner: User, mail_server: MailServer
) -> None:
    # Written straight to the table, as an old version of the app could have saved it.
    EmailTemplate.objects.create(
        kind="invoice",
        subject="Invoice {{ number }}",
        body="{{ client.invoices.first.created_by.password }} {% lorem %} {% debug %}",
    )
    queue_email(invoice, by=owner)
    run_worker(once=True)
    text = sent_body(mail_server)
    assert owner.password not in text and LOREM not in text and "created_by" not in text
    assert f"Please find attached invoice {invoice.number}" in text  # the default instead


ALL_VALUES = (
    "{{ business_name }}|{{ client_name }}|{{ contact_name }}|{{ number }}|"
    "{{ issue_date|date:'Y-m-d' }}|{{ due_date|date:'Y-m-d' }}|{{ total }}|{{ balance_due }}|"
    "{{ payment_instructions }}|{% if link %}{{ link }}{% endif %}"
)


def test_the_documented_values_reach_the_email_sent(
    invoice: Invoice, owner: User, as_owner: WebClient, mail_server: MailServer
) -> None:
    page = as_owner.get(template_page())
    for name in ("business_name", "client_name", "contact_name", "payment_instructions", "link"):
        assert f"{{{{ {name} }}}}" in page.content.decode()  # documented on the page
    saved = as_owner.post(template_page(), {"subject": "Invoice {{ number }}", "body": ALL_VALUES})
    assert saved.status_code == 302

    queue_email(invoice, by=owner)
    run_worker(once=True)
    fields = sent_body(mail_server).strip().split("|")
    assert fields[:9] == [
        "Acme Studio",
        "Globex Corporation",
        "Hank Scorpio",
        invoice.number,
        invoice.issue_date.isoformat(),
        invoice.due_date.isoformat(),
        "€432.00",
        "€432.00",
        "IBAN FR76 3000 6000 0112 3456 7890 189",
    ]
    assert fields[9].startswith("https://invoicetron.test/p/")
    assert WebClient().get(fields[9].removeprefix("https://invoicetron.test")).status_code == 200


def test_the_preview_shows_the_template_with_example_values_without_saving(
    invoice: Invoice, as_owner: WebClient
) -> None:
    form = {
        "subject": "Invoice {{ number }}",
        "body": "Dear {{ contact_name }}, {{ total }}",
        "preview": "1",
    }
    page = as_owner.post(template_page(), form)
    html = page.content.decode()
    assert page.status_code == 200
    assert "email-preview" in html
    assert "Dear Hank Scorpio, €432.00" in html  # the latest document's values
    assert not EmailTemplate.objects.exists()


def test_a_reminder_template_gets_the_days_overdue(
    invoice: Invoice, owner: User, as_owner: WebClient
) -> None:
    form = {"subject": "Late", "body": "{{ days }} day{{ days|pluralize }} late", "preview": "1"}
    page = as_owner.post(template_page("reminder"), form)
    assert page.status_code == 200
    days = (business_today() - invoice.due_date).days  # of the latest invoice
    assert f"{days} day{'' if days == 1 else 's'} late" in page.content.decode()
