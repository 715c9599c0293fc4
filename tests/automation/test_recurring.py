"""Recurring invoices: one invoice per due date, whatever the worker does."""

from __future__ import annotations

import datetime
import threading

import pytest

from invoicetron.accounts.models import User
from invoicetron.automation import recurring
from invoicetron.automation.models import RecurringInvoice, RecurringRun
from invoicetron.automation.schedule import occurrence
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice, InvoiceStatus
from tests.fixtures import factories

UTC = datetime.UTC


def a_schedule(owner: User, start: datetime.date, **options: object) -> RecurringInvoice:
    factories.business()  # Europe/Paris
    return recurring.create_recurring(
        client=factories.client(),
        by=owner,
        name="Hosting",
        lines=[factories.line("Hosting", "1", "50", [factories.tax_rate()])],
        frequency=str(options.pop("frequency", "monthly")),
        start_date=start,
        **options,  # type: ignore[arg-type]
    )


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_month_end_days_are_clamped_without_drifting() -> None:
    start = datetime.date(2026, 1, 31)
    dates = [occurrence(start, "monthly", n) for n in range(4)]
    assert dates == [
        datetime.date(2026, 1, 31),
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 30),
    ]
    assert occurrence(datetime.date(2024, 2, 29), "yearly", 1) == datetime.date(2025, 2, 28)
    assert occurrence(datetime.date(2024, 2, 29), "yearly", 4) == datetime.date(2028, 2, 29)
    assert occurrence(datetime.date(2026, 11, 30), "quarterly", 1) == datetime.date(2027, 2, 28)
    assert occurrence(datetime.date(2026, 3, 2), "weekly", 2) == datetime.date(2026, 3, 16)


def test_a_worker_down_across_due_dates_invoices_each_missed_date_once(owner: User) -> None:
    schedule = a_schedule(owner, datetime.date(2026, 1, 31))
    assert recurring.run_due(at(2026, 4, 30)) == 4
    assert recurring.run_due(at(2026, 4, 30)) == 0  # a second run finds nothing new
    runs = RecurringRun.objects.filter(schedule=schedule).order_by("run_date")
    assert [run.run_date.isoformat() for run in runs] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]
    invoices = Invoice.objects.filter(pk__in=[run.invoice_id for run in runs])
    assert {invoice.status for invoice in invoices} == {InvoiceStatus.ISSUED}
    assert sorted(str(invoice.issue_date) for invoice in invoices)[0] == "2026-01-31"
    schedule.refresh_from_db()
    assert schedule.next_date == datetime.date(2026, 5, 31)


def test_a_schedule_stops_after_its_count_or_end_date(owner: User) -> None:
    counted = a_schedule(owner, datetime.date(2026, 1, 1), max_count=2)
    ended = a_schedule(owner, datetime.date(2026, 1, 1), end_date=datetime.date(2026, 2, 15))
    recurring.run_due(at(2026, 12, 31))
    assert counted.runs.count() == 2 and ended.runs.count() == 2
    counted.refresh_from_db()
    assert counted.next_date is None


@pytest.mark.parametrize(
    ("utc_now", "due"),
    [
        (at(2026, 3, 28, 22, 30), False),  # 23:30 in Paris on the 28th
        (at(2026, 3, 28, 23, 30), True),  # 00:30 on the 29th, the night clocks go forward
        (at(2026, 10, 24, 21, 30), False),  # 23:30 summer time on the 24th
        (at(2026, 10, 24, 22, 30), True),  # 00:30 on the 25th, the night clocks go back
    ],
)
def test_a_date_is_due_from_midnight_in_the_business_time_zone_across_dst(
    owner: User, utc_now: datetime.datetime, due: bool
) -> None:
    start = datetime.date(2026, 3, 29) if utc_now.month == 3 else datetime.date(2026, 10, 25)
    a_schedule(owner, start)
    assert recurring.run_due(utc_now) == (1 if due else 0)


@pytest.mark.usefixtures("job_tables")
def test_two_workers_at_once_invoice_a_date_once(owner: User) -> None:
    schedules = [a_schedule(owner, datetime.date(2026, 1, 15)) for _ in range(3)]
    barrier = threading.Barrier(2)

    def work() -> None:
        barrier.wait()
        recurring.run_due(at(2026, 3, 20))

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for schedule in schedules:
        assert sorted(str(run.run_date) for run in schedule.runs.all()) == [
            "2026-01-15",
            "2026-02-15",
            "2026-03-15",
        ]
    assert Invoice.objects.count() == 9


@pytest.mark.usefixtures("job_tables")
def test_the_worker_makes_due_recurring_invoices_once_however_often_it_runs(owner: User) -> None:
    today = datetime.date.today()
    schedule = a_schedule(owner, today - datetime.timedelta(days=1), frequency="yearly")
    run_worker(once=True)
    run_worker(once=True)
    assert schedule.runs.count() == 1
