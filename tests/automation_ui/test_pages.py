"""The automation pages: who reaches them, and errors shown beside the fields they concern."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.automation.models import ReminderStep, WebhookEndpoint
from invoicetron.messaging.models import EmailTemplate
from tests.fixtures import factories
from tests.fixtures.forms import field_errors, invoice_post, line, schedule_post

pytestmark = pytest.mark.django_db

OWNER_PAGES = [
    "messaging:templates",
    "automation:reminders",
    "automation:reminder_new",
    "automation:webhooks",
    "automation:webhook_new",
]
MEMBER_PAGES = ["quotes:list", "quotes:new", "automation:recurring", "automation:schedule_new"]


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_a_colleague_cannot_reach_the_owner_automation_settings(
    as_colleague: WebClient, as_owner: WebClient, name: str
) -> None:
    assert as_colleague.get(reverse(name)).status_code == 403
    assert as_owner.get(reverse(name)).status_code == 200


def test_a_colleague_cannot_change_an_email_template_or_add_a_webhook_by_posting(
    as_colleague: WebClient,
) -> None:
    url = reverse("messaging:template", args=["invoice"])
    assert as_colleague.post(url, {"subject": "x", "body": "y"}).status_code == 403
    webhook = reverse("automation:webhook_new")
    assert as_colleague.post(webhook, {"url": "https://example.com/hook"}).status_code == 403
    assert not EmailTemplate.objects.exists() and not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_a_colleague_writes_quotes_and_recurring_invoices(
    as_colleague: WebClient, name: str
) -> None:
    assert as_colleague.get(reverse(name)).status_code == 200


def test_the_settings_tabs_and_the_nav_lead_to_the_new_pages(as_owner: WebClient) -> None:
    html = as_owner.get(reverse("billing:settings")).content.decode()
    for name in ("messaging:templates", "automation:reminders", "automation:webhooks"):
        assert f'href="{reverse(name)}"' in html
    assert f'href="{reverse("quotes:list")}"' in html
    assert f'href="{reverse("automation:recurring")}"' in html


def test_an_email_template_that_does_not_compile_is_refused_beside_its_body(
    as_owner: WebClient,
) -> None:
    url = reverse("messaging:template", args=["reminder"])
    page = as_owner.get(url).content.decode()
    assert "{{ days }}" in page and "{{ balance_due }}" in page, "placeholders are listed"
    response = as_owner.post(url, {"subject": "Reminder {{ number }}", "body": "{% if %}"})
    assert response.status_code == 400
    assert "Template error" in field_errors(response.content.decode(), "id_body")
    assert not EmailTemplate.objects.exists()
    response = as_owner.post(url, {"subject": "Reminder {{ number }}", "body": "Pay {{ total }}"})
    assert response.status_code == 302
    assert EmailTemplate.objects.get(kind="reminder").body == "Pay {{ total }}"


def test_a_late_fee_without_an_amount_is_refused_beside_the_fee(as_owner: WebClient) -> None:
    url = reverse("automation:reminder_new")
    data = {"days": "7", "late_fee": "fixed", "late_fee_value": "", "active": "on"}
    response = as_owner.post(url, data)
    assert response.status_code == 400
    assert "Enter the fee" in field_errors(response.content.decode(), "id_late_fee_value")
    assert as_owner.post(url, data | {"late_fee_value": "15"}).status_code == 302
    step = ReminderStep.objects.get()
    assert (step.days, step.late_fee, str(step.late_fee_value)) == (7, "fixed", "15.0000")
    listing = as_owner.get(reverse("automation:reminders")).content.decode()
    assert "7 days after the due date" in listing


def test_a_webhook_secret_is_shown_once_after_creating_the_endpoint(as_owner: WebClient) -> None:
    data = {"url": "https://hooks.example.com/in", "events": ["invoice.paid"], "active": "on"}
    response = as_owner.post(reverse("automation:webhook_new"), data, follow=True)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["invoice.paid"]
    assert endpoint.secret in response.content.decode()
    again = as_owner.get(reverse("automation:webhook", args=[endpoint.pk])).content.decode()
    assert endpoint.secret not in again


def test_a_webhook_url_that_is_not_an_address_is_refused_beside_it(as_owner: WebClient) -> None:
    response = as_owner.post(reverse("automation:webhook_new"), {"url": "not a url"})
    assert response.status_code == 400
    assert "Enter a valid URL" in field_errors(response.content.decode(), "id_url")


def test_a_quote_line_with_a_bad_quantity_is_refused_beside_that_quantity(
    as_owner: WebClient,
) -> None:
    client = factories.client()
    data = invoice_post(client, [line("Website", "ten", "80"), line("Hosting", "1", "120")])
    data |= {"valid_until": "", "prices_include_tax": ""}
    response = as_owner.post(reverse("quotes:new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert field_errors(html, "id_lines-0-quantity")
    assert not field_errors(html, "id_lines-1-quantity")


def test_a_schedule_ending_before_it_starts_is_refused_beside_the_end_date(
    as_owner: WebClient,
) -> None:
    client = factories.client()
    data = schedule_post(client, start_date="2026-03-31", end_date="2026-01-01")
    response = as_owner.post(reverse("automation:schedule_new"), data)
    assert response.status_code == 400
    assert "before the start" in field_errors(response.content.decode(), "id_end_date")


def test_a_webhook_with_no_event_ticked_is_saved_and_receives_every_event(
    as_owner: WebClient,
) -> None:
    data = {"url": "https://hooks.example.com/all", "active": "on"}  # "None ticked: every event."
    response = as_owner.post(reverse("automation:webhook_new"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert WebhookEndpoint.objects.get().events == []
