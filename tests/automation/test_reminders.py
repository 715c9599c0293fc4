"""Reminders and late fees: at most once per invoice and step, stopped once paid."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoicetron.accounts.models import User
from invoicetron.automation import reminders
from invoicetron.automation.models import LateFee, ReminderClaim, ReminderStep
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice
from invoicetron.billing.services import record_payment
from invoicetron.messaging.models import Delivery, DeliveryStatus
from tests.fixtures import factories
from tests.fixtures.smtp import MailServer

DUE = datetime.date(2026, 6, 10)


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business(time_zone="UTC")
    return factories.issued_invoice(
        owner, issue_date=datetime.date(2026, 5, 11), due_date=DUE
    )  # total 432.00 EUR


@pytest.fixture
def steps() -> list[ReminderStep]:
    return [
        ReminderStep.objects.create(days=-3),
        ReminderStep.objects.create(days=0),
        ReminderStep.objects.create(days=7, late_fee=LateFee.FIXED, late_fee_value=Decimal(15)),
        ReminderStep.objects.create(days=30, late_fee=LateFee.PERCENT, late_fee_value=Decimal(2)),
    ]


def on(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


def test_each_step_is_emailed_once_on_its_day(invoice: Invoice, steps: list[ReminderStep]) -> None:
    assert reminders.run_due(on(DUE - datetime.timedelta(days=4))) == 0
    assert reminders.run_due(on(DUE - datetime.timedelta(days=3))) == 1
    assert reminders.run_due(on(DUE - datetime.timedelta(days=3))) == 0
    assert reminders.run_due(on(DUE)) == 1
    assert reminders.run_due(on(DUE)) == 0
    kinds = list(Delivery.objects.values_list("kind", flat=True))
    assert kinds == ["reminder", "reminder"]


def test_late_fees_are_charged_once_per_step_as_their_own_invoices(
    invoice: Invoice, steps: list[ReminderStep]
) -> None:
    reminders.run_due(on(DUE + datetime.timedelta(days=7)))
    reminders.run_due(on(DUE + datetime.timedelta(days=7)))
    reminders.run_due(on(DUE + datetime.timedelta(days=30)))
    reminders.run_due(on(DUE + datetime.timedelta(days=31)))
    fees = ReminderClaim.objects.exclude(fee_invoice=None).order_by("step__days")
    assert [claim.fee_invoice.total for claim in fees if claim.fee_invoice] == [
        Decimal("15.00"),
        Decimal("8.64"),  # 2 % of the 432.00 still due
    ]
    invoice.refresh_from_db()
    assert invoice.total == Decimal("432.00")  # the issued invoice itself never changes


def test_a_worker_down_for_weeks_sends_only_the_latest_reminder(
    invoice: Invoice, steps: list[ReminderStep]
) -> None:
    assert reminders.run_due(on(DUE + datetime.timedelta(days=8))) == 3
    claims = ReminderClaim.objects.filter(invoice=invoice)
    assert sorted((c.step.days, c.emailed) for c in claims) == [(-3, False), (0, False), (7, True)]
    assert Delivery.objects.count() == 1


def test_a_paid_invoice_gets_no_more_reminders(
    invoice: Invoice, steps: list[ReminderStep], owner: User
) -> None:
    reminders.run_due(on(DUE))
    record_payment(invoice, amount="432.00", by=owner)
    assert reminders.run_due(on(DUE + datetime.timedelta(days=40))) == 0
    assert ReminderClaim.objects.filter(invoice=invoice).count() == 2


@pytest.mark.usefixtures("job_tables")
def test_a_queued_reminder_for_an_invoice_paid_meanwhile_is_cancelled(
    owner: User, mail_server: MailServer
) -> None:
    factories.business(time_zone="UTC")
    ReminderStep.objects.create(days=0)
    overdue = factories.issued_invoice(owner, issue_date=datetime.date(2026, 1, 1))
    reminders.run_due()
    record_payment(overdue, amount="432.00", by=owner)
    run_worker(once=True)
    assert mail_server.received == []
    assert Delivery.objects.get().status == DeliveryStatus.CANCELLED
