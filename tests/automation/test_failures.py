"""Through the real worker: each schedule and each reminder on its own, foreign currencies with a
defined exchange rate, failures recorded and cleared, and reminder emails with the real delay."""

from __future__ import annotations

import datetime
import logging
from decimal import Decimal

import pytest

from invoicetron.accounts.models import User
from invoicetron.automation import recurring
from invoicetron.automation.models import (
    LateFee,
    RecurringInvoice,
    ReminderClaim,
    ReminderFailure,
    ReminderStep,
)
from invoicetron.automation.worker import run_worker
from invoicetron.billing import services
from invoicetron.billing.models import BusinessProfile, Client, Invoice, business_today
from tests.fixtures import factories
from tests.fixtures.smtp import MailServer

pytestmark = pytest.mark.usefixtures("job_tables")


def today() -> datetime.date:
    return business_today(BusinessProfile.load())


def one_line_per_pass(records: list[logging.LogRecord], about: str) -> None:
    """One warning line about `about` in each pass of the worker, without a traceback."""
    passes = [r for r in records if r.getMessage() == "periodic work done"]
    lines = [r for r in records if about in r.getMessage()]
    assert passes and len(lines) == len(passes)
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in lines)
    assert all("\n" not in r.getMessage() for r in lines)


def due_yesterday(owner: User, name: str, client: Client) -> RecurringInvoice:
    return recurring.create_recurring(
        client=client,
        by=owner,
        name=name,
        lines=[factories.line("Retainer", "1", "500")],
        frequency="yearly",
        start_date=today() - datetime.timedelta(days=1),
    )


def issued(owner: User, client: Client, rate: str | None = None, **dates: object) -> Invoice:
    draft = factories.draft(owner, for_client=client, **dates)
    return services.issue_invoice(draft, by=owner, exchange_rate=rate)


@pytest.fixture
def gbp_client(owner: User) -> Client:
    factories.business()  # base currency EUR, Europe/Paris
    return factories.client("Albion Ltd", currency="GBP", email="ap@albion.example")


@pytest.fixture
def eur_client(gbp_client: Client) -> Client:
    return factories.client("Globex", currency="EUR")


def test_a_gbp_schedule_without_any_rate_fails_alone_and_is_reported(
    owner: User, gbp_client: Client, eur_client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    # "Albion" sorts before "Hosting": the failing schedule is the first one the pass meets.
    gbp = due_yesterday(owner, "Albion retainer", gbp_client)
    eur = due_yesterday(owner, "Hosting", eur_client)
    with caplog.at_level(logging.INFO, logger="invoicetron.automation"):
        run_worker(once=True)
    assert eur.runs.count() == 1
    gbp.refresh_from_db()
    assert gbp.runs.count() == 0
    assert "GBP" in gbp.last_error and "exchange rate" in gbp.last_error
    assert gbp.failed_at is not None
    one_line_per_pass(caplog.records, "Albion retainer")

    run_worker(once=True)  # a later pass: still failing, and still blocks nothing
    assert eur.runs.count() == 1 and gbp.runs.count() == 0

    gbp.exchange_rate = Decimal("1.1650")  # the owner sets the schedule's own rate
    gbp.save(update_fields=["exchange_rate"])
    run_worker(once=True)
    gbp.refresh_from_db()
    [run] = gbp.runs.all()
    assert run.invoice is not None and run.invoice.exchange_rate == Decimal("1.1650")
    assert (gbp.last_error, gbp.failed_at) == ("", None)


def test_gbp_and_eur_schedules_due_the_same_day_are_both_made_with_the_latest_gbp_rate(
    owner: User, gbp_client: Client, eur_client: Client
) -> None:
    old = today() - datetime.timedelta(days=60)
    issued(owner, gbp_client, "1.1000", issue_date=old)
    issued(owner, gbp_client, "1.1725", issue_date=old + datetime.timedelta(days=20))
    gbp = due_yesterday(owner, "Albion retainer", gbp_client)
    eur = due_yesterday(owner, "Hosting", eur_client)
    run_worker(once=True)
    [gbp_run], [eur_run] = gbp.runs.all(), eur.runs.all()
    assert gbp_run.invoice is not None and eur_run.invoice is not None
    assert gbp_run.invoice.currency == "GBP" and gbp_run.invoice.number
    assert gbp_run.invoice.exchange_rate == Decimal("1.1725")  # the latest recorded
    assert eur_run.invoice.exchange_rate == Decimal(1)


@pytest.fixture
def fee_step() -> ReminderStep:
    return ReminderStep.objects.create(days=30, late_fee=LateFee.PERCENT, late_fee_value=Decimal(2))


def test_a_late_fee_on_a_gbp_invoice_is_charged_in_gbp_and_the_eur_reminder_is_sent_too(
    owner: User,
    gbp_client: Client,
    eur_client: Client,
    fee_step: ReminderStep,
    mail_server: MailServer,
) -> None:
    due = today() - datetime.timedelta(days=36)
    eur_invoice = issued(owner, eur_client, issue_date=due - datetime.timedelta(days=31))
    # Issued later: the pass meets the GBP invoice first.
    gbp_invoice = issued(owner, gbp_client, "1.1725", issue_date=due, due_date=due)
    run_worker(once=True)
    assert sorted(m.recipients[0] for m in mail_server.received) == [
        "ap@albion.example",
        "ap@globex.example",
    ]
    fee = ReminderClaim.objects.get(invoice=gbp_invoice).fee_invoice
    assert fee is not None
    assert (fee.currency, fee.total) == ("GBP", Decimal("8.64"))  # 2 % of 432.00 GBP
    assert fee.exchange_rate == Decimal("1.1725")
    assert ReminderClaim.objects.get(invoice=eur_invoice).fee_invoice is not None


def test_a_reminder_that_cannot_be_done_is_reported_then_done_once_the_cause_is_fixed(
    owner: User,
    fee_step: ReminderStep,
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    factories.business(base_currency="EUR")
    usd_client = factories.client("Yankee Inc", currency="USD", email="ap@yankee.example")
    due = today() - datetime.timedelta(days=36)
    usd_invoice = issued(owner, usd_client, "0.92", issue_date=due, due_date=due)
    # The business moves to GBP: the USD → EUR rate recorded above is no USD → GBP rate.
    factories.business(base_currency="GBP")
    eur_invoice = issued(
        owner, factories.client("Globex"), "1.17", issue_date=due, due_date=due, currency="EUR"
    )
    with caplog.at_level(logging.INFO, logger="invoicetron.automation"):
        run_worker(once=True)
    assert [m.recipients for m in mail_server.received] == [["ap@globex.example"]]
    assert ReminderClaim.objects.filter(invoice=eur_invoice).count() == 1
    failure = ReminderFailure.objects.get(invoice=usd_invoice)
    assert "USD" in failure.error and "GBP" in failure.error
    one_line_per_pass(caplog.records, f"invoice {usd_invoice.number} not done")

    issued(owner, usd_client, "0.79")  # a USD → GBP rate is recorded
    run_worker(once=True)
    assert not ReminderFailure.objects.exists()
    fee = ReminderClaim.objects.get(invoice=usd_invoice).fee_invoice
    assert fee is not None and fee.exchange_rate == Decimal("0.79")
    assert len(mail_server.received) == 2


def test_the_reminder_email_says_how_many_days_overdue_the_invoice_really_is(
    owner: User, eur_client: Client, mail_server: MailServer
) -> None:
    ReminderStep.objects.create(days=30)
    due = today() - datetime.timedelta(days=36)
    issued(owner, eur_client, issue_date=due, due_date=due)
    run_worker(once=True)
    [received] = mail_server.received
    body = received.message.get_body(("plain",)).get_content()
    assert "is 36 days overdue" in body
    assert "30 days" not in body


def test_worker_once_sends_the_reminders_its_own_pass_queues(
    owner: User, eur_client: Client, fee_step: ReminderStep, mail_server: MailServer
) -> None:
    """`invoicetron worker --once` (a CronJob's command) runs at concurrency 2: the reminder
    email queued by its periodic pass is sent in the same run, not left for the next one."""
    due = today() - datetime.timedelta(days=36)
    invoice = issued(owner, eur_client, issue_date=due, due_date=due)
    run_worker(once=True, concurrency=2)
    assert [m.recipients for m in mail_server.received] == [["ap@globex.example"]]
    assert ReminderClaim.objects.get(invoice=invoice).emailed
