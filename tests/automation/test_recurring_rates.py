"""Through the real worker: a recurring USD invoice takes the rate table's rate for its date, a
schedule's own rate still wins, a missing rate stops that schedule alone, and the reports convert
the invoice with the rate it froze, whatever the table says later."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client as WebClient

from invoicetron.accounts.models import User
from invoicetron.automation import recurring
from invoicetron.automation.models import RecurringInvoice
from invoicetron.automation.worker import run_worker
from invoicetron.billing import services
from invoicetron.billing.models import BusinessProfile, Client, ExchangeRate, business_today
from invoicetron.billing.money import round_to_minor_unit
from tests.fixtures import factories

pytestmark = pytest.mark.usefixtures("job_tables")


def today() -> datetime.date:
    return business_today(BusinessProfile.load())


@pytest.fixture
def usd_client(owner: User) -> Client:
    factories.business()  # base currency EUR
    return factories.client("Initech Inc", currency="USD", email="ap@initech.example")


def schedule(owner: User, client: Client, name: str, start: datetime.date) -> RecurringInvoice:
    return recurring.create_recurring(
        client=client,
        by=owner,
        name=name,
        lines=[factories.line("Retainer", "3", "333.33")],
        frequency="yearly",
        start_date=start,
    )


def rate(currency: str, day: datetime.date, value: str, owner: User) -> ExchangeRate:
    return services.save_rate(
        ExchangeRate(currency=currency, date=day, rate=Decimal(value)), by=owner
    )


def test_a_usd_schedule_takes_the_tables_rate_on_or_before_its_date_not_a_recorded_one(
    owner: User, usd_client: Client
) -> None:
    run_date = today() - datetime.timedelta(days=1)
    older = factories.draft(owner, for_client=usd_client, issue_date=run_date)
    services.issue_invoice(older, by=owner, exchange_rate="0.5")  # recorded, and newer than …
    rate("USD", run_date - datetime.timedelta(days=3), "0.8571", owner)  # … the table's rate
    rate("USD", run_date - datetime.timedelta(days=10), "0.7000", owner)
    rate("USD", run_date + datetime.timedelta(days=1), "0.9999", owner)  # after: never used
    retainer = schedule(owner, usd_client, "Initech retainer", run_date)
    run_worker(once=True)
    [run] = retainer.runs.all()
    assert run.invoice is not None and run.invoice.currency == "USD"
    assert run.invoice.exchange_rate == Decimal("0.8571")
    assert run.invoice.snapshot["exchange_rate"] == "0.8571000000"


def test_the_schedules_own_rate_still_wins_over_the_table(owner: User, usd_client: Client) -> None:
    run_date = today() - datetime.timedelta(days=1)
    rate("USD", run_date, "0.8571", owner)
    retainer = schedule(owner, usd_client, "Initech retainer", run_date)
    retainer.exchange_rate = Decimal("0.9")
    retainer.save(update_fields=["exchange_rate"])
    run_worker(once=True)
    [run] = retainer.runs.all()
    assert run.invoice is not None and run.invoice.exchange_rate == Decimal("0.9")


def test_without_a_rate_the_usd_schedule_fails_alone_saying_where_to_add_one(
    owner: User, usd_client: Client
) -> None:
    run_date = today() - datetime.timedelta(days=1)
    usd = schedule(owner, usd_client, "Initech retainer", run_date)
    eur = schedule(owner, factories.client("Globex", currency="EUR"), "Zeta hosting", run_date)
    rate("USD", run_date + datetime.timedelta(days=1), "0.85", owner)  # too late for the run
    run_worker(once=True)
    assert eur.runs.count() == 1  # the other schedule is made all the same
    usd.refresh_from_db()
    assert usd.runs.count() == 0 and usd.failed_at is not None
    assert "Settings → Exchange rates" in usd.last_error
    assert f"has none on or before {run_date}" in usd.last_error

    rate("USD", run_date - datetime.timedelta(days=2), "0.86", owner)  # the owner adds one
    run_worker(once=True)
    usd.refresh_from_db()
    [run] = usd.runs.all()
    assert run.invoice is not None and run.invoice.exchange_rate == Decimal("0.86")
    assert (usd.last_error, usd.failed_at) == ("", None)


def sales_total(web: WebClient) -> dict[str, str]:
    response = web.get("/reports/sales/", {"period": "year", "format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(text)))
    return rows[-1]


def test_the_reports_convert_with_the_frozen_rate_after_the_table_changes(
    owner: User, usd_client: Client, as_owner: WebClient
) -> None:
    run_date = today() - datetime.timedelta(days=1)
    table_rate = rate("USD", run_date, "0.8571", owner)
    vat = factories.tax_rate("VAT", "20")
    retainer = recurring.create_recurring(
        client=usd_client,
        by=owner,
        name="Initech retainer",
        lines=[factories.line("Retainer", "3", "333.33", [vat])],
        frequency="yearly",
        start_date=run_date,
    )
    run_worker(once=True)
    [run] = retainer.runs.all()
    invoice = run.invoice
    assert invoice is not None
    # 3 x 333.33 = 999.99 USD net, 200.00 USD VAT: in EUR at 0.8571, each rounded to the cent.
    assert (invoice.net_total, invoice.tax_total) == (Decimal("999.99"), Decimal("200.00"))
    net_eur = round_to_minor_unit(Decimal("999.99") * Decimal("0.8571"), "EUR")
    tax_eur = round_to_minor_unit(Decimal("200.00") * Decimal("0.8571"), "EUR")
    assert (net_eur, tax_eur) == (Decimal("857.09"), Decimal("171.42"))
    before = sales_total(as_owner)
    assert (before["net_sales"], before["tax"], before["total"]) == ("857.09", "171.42", "1028.51")

    table_rate.rate = Decimal("2")  # the table changes: the issued invoice does not
    services.save_rate(table_rate, by=owner)
    services.record_payment(invoice, amount="1199.99", by=owner, date=run_date)
    assert sales_total(as_owner) == before
    payments = as_owner.get("/reports/payments/", {"format": "csv"})
    text = b"".join(payments.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert "1028.51" in text  # 1,199.99 USD x 0.8571 = 1,028.51 EUR, at the frozen rate
