"""What the worker could not do is shown to the owner over HTTP (the schedule's page, its list,
the home dashboard) and clears once the cause is fixed and the next pass of the real worker
succeeds; the schedule form takes the schedule's own exchange rate."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation.models import LateFee, RecurringInvoice, ReminderStep
from invoicetron.automation.worker import run_worker
from invoicetron.billing import services
from invoicetron.billing.models import BusinessProfile, Client, Invoice, business_today
from tests.fixtures import factories
from tests.fixtures.forms import schedule_post

pytestmark = pytest.mark.usefixtures("job_tables")


def today() -> datetime.date:
    return business_today(BusinessProfile.load())


def yesterday_yearly(client: Client, **fields: str) -> dict[str, object]:
    start = (today() - datetime.timedelta(days=1)).isoformat()
    return schedule_post(client, start_date=start, frequency="yearly", **fields)


def home(web: WebClient) -> str:
    response = web.get(reverse("web:home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_failing_gbp_schedule_is_shown_until_its_rate_is_set_and_the_next_pass_succeeds(
    as_owner: WebClient,
) -> None:
    gbp_client = factories.client("Albion Ltd", currency="GBP")
    eur_client = factories.client("Globex")
    new = reverse("automation:schedule_new")
    response = as_owner.post(new, yesterday_yearly(gbp_client, name="Albion retainer"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert as_owner.post(new, yesterday_yearly(eur_client, name="Hosting")).status_code == 302
    gbp = RecurringInvoice.objects.get(name="Albion retainer")
    assert gbp.exchange_rate is None  # blank on the form: the latest recorded rate, none yet

    run_worker(once=True)
    assert RecurringInvoice.objects.get(name="Hosting").runs.count() == 1
    url = reverse("automation:schedule", args=[gbp.pk])
    page = as_owner.get(url).content.decode()
    assert 'id="failure"' in page
    assert "No exchange rate from GBP to EUR is known" in page
    assert "Edit the recurring invoice and enter its exchange rate" in page
    assert "Last tried" in page
    assert "the first comes on" not in page
    assert "could not be made" in page
    assert "Failing" in as_owner.get(reverse("automation:recurring")).content.decode()
    dashboard = home(as_owner)
    assert 'id="worker-failures"' in dashboard
    assert f'href="{url}#failure"' in dashboard and "Albion retainer" in dashboard

    edit = reverse("automation:schedule_edit", args=[gbp.pk])
    assert 'name="exchange_rate"' in as_owner.get(edit).content.decode()
    fixed = yesterday_yearly(gbp_client, name="Albion retainer", exchange_rate="1.165")
    assert as_owner.post(edit, fixed).status_code == 302
    gbp.refresh_from_db()
    assert gbp.exchange_rate == Decimal("1.165")
    assert "1.165" in as_owner.get(edit).content.decode()  # shown again when editing

    run_worker(once=True)
    [run] = gbp.runs.all()
    assert run.invoice is not None and run.invoice.exchange_rate == Decimal("1.165")
    page = as_owner.get(url).content.decode()
    assert 'id="failure"' not in page and "No exchange rate" not in page
    assert run.invoice.number in page
    assert 'id="worker-failures"' not in home(as_owner)


@pytest.mark.parametrize(
    ("currency", "rate", "error"),
    [
        ("GBP", "-1.2", "above zero"),
        ("GBP", "0", "above zero"),
        ("GBP", "one", "Enter a number."),
        ("GBP", "1.12345678901", "at most 10 decimals"),
        ("EUR", "1.1", "EUR is the base currency: leave the exchange rate blank."),
    ],
)
def test_a_bad_schedule_rate_is_refused_with_what_to_fix(
    as_owner: WebClient, currency: str, rate: str, error: str
) -> None:
    data = yesterday_yearly(factories.client(), currency=currency, exchange_rate=rate)
    response = as_owner.post(reverse("automation:schedule_new"), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not RecurringInvoice.objects.exists()


def issued(owner: User, client: Client, rate: str, **fields: object) -> Invoice:
    draft = factories.draft(owner, for_client=client, **fields)
    return services.issue_invoice(draft, by=owner, exchange_rate=rate)


def test_a_reminder_that_cannot_be_done_is_on_the_dashboard_until_it_is_done(
    as_owner: WebClient, owner: User
) -> None:
    ReminderStep.objects.create(days=30, late_fee=LateFee.FIXED, late_fee_value=Decimal(15))
    usd_client = factories.client("Yankee Inc", currency="USD")
    due = today() - datetime.timedelta(days=40)
    overdue = issued(owner, usd_client, "0.92", issue_date=due, due_date=due)
    factories.business(base_currency="GBP")  # no USD → GBP rate recorded yet

    run_worker(once=True)
    dashboard = home(as_owner)
    assert 'id="worker-failures"' in dashboard
    invoice_url = reverse("billing:invoice", args=[overdue.pk])
    assert f'Reminder for invoice <a href="{invoice_url}">{overdue.number}</a>' in dashboard
    assert overdue.number in dashboard and "No exchange rate from USD to GBP" in dashboard

    issued(owner, usd_client, "0.79")
    run_worker(once=True)
    assert 'id="worker-failures"' not in home(as_owner)
    assert overdue.reminders.get().fee_invoice is not None
