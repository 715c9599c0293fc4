"""The per-client summary (billing.models.ClientSummaryMonth) always equals the documents.

Recomputed here with money.py alone: each issued invoice's frozen totals converted with
`money.in_base_currency`, less its credit notes converted with its rate, and its balance while
open, summed per client and month of issue. Database triggers keep the summary, so it is checked
after each kind of write: issuing, a payment, a credit note, sending, deleting a payment, and raw
SQL that no service runs.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import connection

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.reports.amounts import Base
from invoicetron.reports.dashboard import top_clients, top_clients_from_documents
from tests.fixtures import factories
from tests.fixtures.books import Books, books, issue
from tests.reports.summaries import client_summary_recomputed, client_summary_stored

pytestmark = pytest.mark.django_db


def busy_books(owner: User) -> Books:
    """books() (USD at two rates, payments, a credit note), then each other kind of write,
    checking the summary after every one."""
    data = books(owner)
    assert client_summary_stored() == client_summary_recomputed()
    globex, initech, umbrella = data.clients
    line = factories.line
    yen = issue(
        umbrella,
        owner,
        days_ago=20,  # the day of another invoice of that client: their rows add up
        currency="JPY",
        rate="0.0061237",
        lines=[line("Licence", "3", "12345", [data.vat, data.reduced])],
    )
    assert client_summary_stored() == client_summary_recomputed()
    services.mark_sent(yen, by=owner)
    services.record_payment(yen, amount="1000", by=owner, date=data.today)
    assert client_summary_stored() == client_summary_recomputed()
    services.create_credit_note(
        yen, by=owner, lines=[services.CreditLine(yen.lines.get().pk, "1")], issue_date=data.today
    )
    assert client_summary_stored() == client_summary_recomputed()
    payment = services.record_payment(data.invoices[1], amount="10.00", by=owner)
    assert client_summary_stored() == client_summary_recomputed()
    services.delete_payment(payment, by=owner)
    assert client_summary_stored() == client_summary_recomputed()
    # Refunds and client credit (#19) move stored balances only; the summary follows each.
    overpaid = data.invoices[1]
    kept = services.record_payment(
        overpaid, amount=overpaid.balance_due + 25, by=owner, keep_excess_as_credit=True
    )
    assert client_summary_stored() == client_summary_recomputed()
    refund = services.record_refund(kept, amount="40.00", by=owner)
    assert client_summary_stored() == client_summary_recomputed()
    applied = services.apply_credit(data.invoices[4], by=owner)  # the same client, in EUR
    assert client_summary_stored() == client_summary_recomputed()
    services.remove_applied_credit(applied, by=owner)
    services.apply_credit(data.invoices[4], by=owner, amount="10.00")
    assert client_summary_stored() == client_summary_recomputed()
    services.delete_refund(refund, by=owner)
    assert client_summary_stored() == client_summary_recomputed()
    with connection.cursor() as cursor:  # no service: the triggers alone keep the summary right
        cursor.execute(
            "UPDATE billing_invoice SET balance_due = balance_due - 1,"
            " amount_paid = amount_paid + 1, status = 'partially_paid' WHERE id = %s",
            [data.invoices[3].pk],
        )
    assert client_summary_stored() == client_summary_recomputed()
    factories.draft(owner, for_client=initech)  # drafts never count
    issue(globex, owner, days_ago=-2, lines=[line("Retainer", "1", "500", [data.vat])])
    return data


def test_the_summary_equals_the_documents_after_every_kind_of_write(owner: User) -> None:
    busy_books(owner)
    summary = client_summary_stored()
    assert summary == client_summary_recomputed()
    assert len({client for client, _month in summary}) == 3
    assert any(owed for _count, _total, owed in summary.values())


def test_the_top_clients_from_the_summary_equal_those_from_the_documents(owner: User) -> None:
    data = busy_books(owner)
    base = Base("EUR", 2)
    first_of_month = data.today.replace(day=1)
    # The first of the month has invoices dated later in its month (taken off the summary's).
    for day in (data.today, first_of_month, data.today + datetime.timedelta(days=5)):
        for limit in (1, 2, 10):
            assert top_clients(base, day, limit) == top_clients_from_documents(base, day, limit)
    assert len(top_clients(base, data.today, 10)) == 3
    assert top_clients(base, data.today - datetime.timedelta(days=400)) == []


def test_the_migration_backfills_what_the_triggers_maintain(owner: User) -> None:
    busy_books(owner)
    before = client_summary_stored()
    migration = importlib.import_module(
        "invoicetron.billing.migrations.0011_client_summary_and_owed_index"
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM billing_clientsummarymonth")
        cursor.execute(migration.BACKFILL)
    assert client_summary_stored() == before


def test_the_top_clients_come_from_the_documents_when_the_summary_lacks_a_client(
    owner: User,
) -> None:
    data = busy_books(owner)
    globex = data.clients[0]
    with connection.cursor() as cursor:  # as if its rows had been written with triggers off
        cursor.execute("DELETE FROM billing_clientsummarymonth WHERE client_id = %s", [globex.pk])
    first_of_month = data.today.replace(day=1)  # Globex has an invoice dated later this month
    expected = top_clients_from_documents(Base("EUR", 2), first_of_month, 10)
    assert top_clients(Base("EUR", 2), first_of_month, 10) == expected
    assert globex.pk in {row["client_id"] for row in expected}
