"""The tax and sales summaries (billing.models.summary) always equal the documents.


Recomputed here with money.py alone: each issued document's frozen totals converted with
`money.in_base_currency` and summed per (day, kind, tax name, rate), to the cent. The summary is
kept by database triggers, so every path that issues a document is covered.
"""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.db import connection

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import (
    SalesSummaryDay,
)
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.dashboard import monthly_figures, monthly_figures_from_documents
from invoicetron.reports.sales import (
    payments_summary,
    payments_summary_from_documents,
    sales_by_period,
    sales_by_period_from_documents,
    tax_summary,
    tax_summary_from_documents,
)
from tests.fixtures import factories
from tests.fixtures.books import books, issue
from tests.reports.summaries import tax_summary_recomputed, tax_summary_stored

pytestmark = pytest.mark.django_db


def varied_books(owner: User) -> None:
    """books() (two rates, USD, partial and full payments, a credit note), then more."""
    data = books(owner)
    vat, reduced = data.vat, data.reduced
    globex, initech, umbrella = data.clients
    line = factories.line
    assert tax_summary_stored() == tax_summary_recomputed()
    inclusive = services.issue_invoice(
        services.create_draft(
            client=initech,
            by=owner,
            prices_include_tax=True,
            lines=[line("Tickets", "3", "19.99", [vat]), line("Food", "7", "3.33", [reduced])],
        ),
        by=owner,
    )
    assert tax_summary_stored() == tax_summary_recomputed()
    yen = issue(
        umbrella,
        owner,
        days_ago=3,  # the same day as another invoice: rows add up
        currency="JPY",
        rate="0.0061237",
        lines=[line("Licence", "3", "12345", [vat, reduced])],
    )
    services.record_payment(yen, amount="1000", by=owner, date=data.today)
    services.create_credit_note(
        yen, by=owner, lines=[services.CreditLine(yen.lines.get().pk, "1")], issue_date=data.today
    )
    services.create_credit_note(
        inclusive,
        by=owner,
        lines=[services.CreditLine(inclusive.lines.get(description="Food").pk, "2")],
        issue_date=data.today,
    )
    payment = services.record_payment(inclusive, amount="10.00", by=owner, date=data.today)
    services.delete_payment(payment, by=owner)
    factories.draft(owner, for_client=globex)  # drafts never count


def test_the_summary_equals_the_documents_after_every_kind_of_operation(owner: User) -> None:
    varied_books(owner)
    summary = tax_summary_stored()
    assert summary == tax_summary_recomputed()
    assert {kind for _day, kind, *_ in summary} == {"invoice", "credit_note"}
    assert len({rate for *_, rate in summary}) >= 2


def test_the_report_from_the_summary_equals_the_report_from_the_documents(owner: User) -> None:
    varied_books(owner)
    base = Base("EUR", 2)
    today = services.business_today()
    ranges = [
        DateRange(),
        DateRange(today - datetime.timedelta(days=60), today),
        DateRange(None, today - datetime.timedelta(days=30)),
        DateRange(today, today),
    ]
    for dates in ranges:
        from_summary = [vars(row) for row in tax_summary(base, dates)]
        from_documents = [vars(row) for row in tax_summary_from_documents(base, dates)]
        for row in from_documents:
            row["rate"] = row["rate"].normalize()
        assert from_summary == from_documents, dates
        for kind in ("month", "quarter", "year"):
            sales = [vars(row) for row in sales_by_period(base, dates, kind)]
            assert sales == [vars(row) for row in sales_by_period_from_documents(base, dates, kind)]
        assert payments_summary(base, dates) == payments_summary_from_documents(base, dates)
    assert monthly_figures(base, today) == monthly_figures_from_documents(base, today)
    assert payments_summary(base, DateRange())["count"] == 3  # one of four was deleted
    assert any(month.invoiced for month in monthly_figures(base, today))


def test_the_migration_backfills_what_the_triggers_maintain(owner: User) -> None:
    varied_books(owner)
    base = Base("EUR", 2)
    before = tax_summary_stored()
    sales_before = list(SalesSummaryDay.objects.order_by("day", "kind").values_list())
    migration = importlib.import_module("invoicetron.billing.migrations.0008_tax_summary")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM billing_taxsummaryday")
        cursor.execute("DELETE FROM billing_salessummaryday")
        cursor.execute("DELETE FROM billing_paymentsummaryday")
        cursor.execute(migration.BACKFILL)
    assert tax_summary_stored() == before
    sales_after = SalesSummaryDay.objects.order_by("day", "kind").values_list()
    assert [row[1:] for row in sales_after] == [row[1:] for row in sales_before]
    assert len(sales_before) >= 4
    assert payments_summary(base, DateRange()) == payments_summary_from_documents(base, DateRange())
