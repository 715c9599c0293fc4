"""The aging report's one query (reports.aging.aging_report) equals the invoice-by-invoice replay
(`aging_by_client_from_documents`) for any "as of" date and range of issue dates."""

from __future__ import annotations

import datetime

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.reports.aging import (
    aging_by_client_from_documents,
    aging_report,
    aging_total,
)
from invoicetron.reports.amounts import Base, DateRange
from tests.fixtures import factories
from tests.fixtures.books import Books, books, issue

pytestmark = pytest.mark.django_db
EUR = Base("EUR", 2)


def settled_later(owner: User) -> Books:
    """books(), plus invoices paid and credited at various dates after they were issued: each as
    of date below falls before, between and after some of those."""
    data = books(owner)
    globex, initech, umbrella = data.clients
    line = factories.line
    day = datetime.timedelta(days=1)
    late = issue(initech, owner, days_ago=150, lines=[line("Audit", "1", "900", [data.vat])])
    services.record_payment(late, amount="300", by=owner, date=data.today - 100 * day)
    services.record_payment(late, amount=late.balance_due, by=owner, date=data.today - 40 * day)
    yen = issue(
        umbrella,
        owner,
        days_ago=70,
        currency="JPY",
        rate="0.0061237",
        lines=[line("Licence", "3", "12345", [data.vat])],
    )
    services.create_credit_note(yen, by=owner, issue_date=data.today - 20 * day)  # all of it
    stamps = [line("Stamp", "1", "0.02", [data.vat]), line("Stamp", "1", "0.02", [data.vat])]
    closed = issue(globex, owner, days_ago=60, lines=stamps)
    for number, row in enumerate(closed.snapshot["lines"]):  # type: ignore[index]
        services.create_credit_note(
            closed,
            by=owner,
            lines=[services.CreditLine(row["id"], 1)],
            issue_date=data.today - (30 - 20 * number) * day,
        )
    # Refunds and client credit (#19) at dates between the "as of" dates below.
    refund = services.record_refund(
        late.payments.get(amount=300), amount="120", by=owner, date=data.today - 30 * day
    )
    assert refund.invoice_id == late.pk
    overpaid = issue(globex, owner, days_ago=90, lines=[line("Sketch", "1", "100", [data.vat])])
    services.record_payment(
        overpaid, amount="150", by=owner, date=data.today - 85 * day, keep_excess_as_credit=True
    )
    services.apply_credit(data.invoices[3], by=owner, date=data.today - 10 * day)  # Travel
    ahead = issue(globex, owner, days_ago=5, lines=[line("Retainer", "1", "250", [data.vat])])
    services.record_payment(ahead, amount="50", by=owner, date=data.today + 3 * day)
    return data


def test_the_query_equals_the_replay_for_any_date_and_range(owner: User) -> None:
    data = settled_later(owner)
    today = data.today
    dates = [today + datetime.timedelta(days=n) for n in (5, 0, -1, -15, -25, -45, -95, -400)]
    ranges = [
        DateRange(),
        DateRange(today - datetime.timedelta(days=90), None),
        DateRange(None, today - datetime.timedelta(days=60)),
    ]
    owed_somewhere = 0
    for as_of in dates:
        for issued in ranges:
            expected = aging_by_client_from_documents(EUR, as_of, issued)
            report = aging_report(EUR, as_of, issued)
            assert report.rows == expected, (as_of, issued)
            assert report.total == aging_total(expected)
            assert report.clients == len(expected)
            owed_somewhere += len(expected)
    assert owed_somewhere > 20


def test_the_page_lists_the_largest_and_totals_every_client(owner: User) -> None:
    data = settled_later(owner)
    everyone = aging_report(EUR, data.today, DateRange())
    assert everyone.clients == 3
    first = aging_report(EUR, data.today, DateRange(), limit=1)
    assert first.rows == everyone.rows[:1]
    assert first.rows[0].total > everyone.rows[1].total
    assert (first.total, first.clients) == (everyone.total, 3)
    before_anything = aging_report(EUR, data.today - datetime.timedelta(days=1000), DateRange())
    assert (before_anything.rows, before_anything.clients) == ([], 0)
    assert before_anything.total.total == 0
