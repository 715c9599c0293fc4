"""Refunds and client credit reconcile with the reports to the cent (#19): the payments report,
its CSV, the dashboard and the aging equal the documents' payments less refunds, money received
net equals what the invoices count as paid plus the clients' credit, and the sales and tax reports
still equal the documents (a refund or a credit moves money, never what was invoiced)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import QuerySet, Sum
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import money, services
from invoicetron.billing.models import (
    OPEN_STATUSES,
    Client,
    ClientCreditBalance,
    Invoice,
    Payment,
    Refund,
)
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.dashboard import build_dashboard, monthly_figures
from invoicetron.reports.sales import payments_summary, payments_summary_from_documents
from tests.fixtures import factories
from tests.fixtures.books import Books, books, issue
from tests.reports.reconciliation import ZERO, csv_rows, documents_in_eur

pytestmark = pytest.mark.django_db
EUR = Base("EUR", 2)


def refunded_books(owner: User) -> Books:
    """books() (EUR and USD at two rates), then refunds, overpayments kept as credit in both
    currencies, credit applied, and credit refunded."""
    data = books(owner)
    umbrella = data.clients[2]
    day = datetime.timedelta(days=1)
    paid_usd = data.invoices[5]  # paid in full, USD at 0.92
    services.record_refund(paid_usd.payments.get(), amount="99.99", by=owner, method="card")
    first = services.record_payment(data.invoices[0], amount="50.00", by=owner)
    services.record_refund(first, amount="12.34", by=owner, date=data.today - day)
    dollars = issue(
        umbrella,
        owner,
        days_ago=10,
        currency="USD",
        rate="0.9137",
        lines=[factories.line("Hosting", "1", "333.33", [data.vat])],
    )
    services.record_payment(
        dollars, amount=dollars.balance_due + Decimal("77.77"), by=owner, keep_excess_as_credit=True
    )
    services.refund_credit(umbrella, currency="USD", amount="7.77", by=owner)
    services.apply_credit(data.invoices[2], by=owner, amount="50.00")  # umbrella, USD
    services.record_payment(
        data.invoices[3], amount="500.00", by=owner, keep_excess_as_credit=True
    )  # globex, EUR: 412.37 due
    services.apply_credit(data.invoices[0], by=owner)  # globex again
    return data


def test_money_received_net_is_what_invoices_count_as_paid_plus_the_clients_credit(
    owner: User,
) -> None:
    refunded_books(owner)
    for currency in ("EUR", "USD"):
        payments = Payment.objects.filter(invoice__currency=currency).aggregate(s=Sum("amount"))
        refunds = Refund.objects.filter(currency=currency).aggregate(s=Sum("amount"))
        paid = Invoice.objects.filter(currency=currency).aggregate(s=Sum("amount_paid"))
        credit = ClientCreditBalance.objects.filter(currency=currency).aggregate(s=Sum("balance"))
        assert payments["s"] - refunds["s"] == paid["s"] + credit["s"], currency
    assert services.credit_balances(umbrella_of(Invoice.objects.filter(currency="USD")))


def umbrella_of(invoices: QuerySet[Invoice]) -> Client:
    return invoices.first().client  # type: ignore[union-attr]


def converted_payments_less_refunds() -> dict[str, Decimal]:
    """Per payment or refund date (ISO), payments less refunds in EUR, each converted on its own."""
    by_day: dict[str, Decimal] = defaultdict(Decimal)
    for payment in Payment.objects.select_related("invoice"):
        rate = payment.invoice.exchange_rate
        assert rate is not None
        by_day[payment.date.isoformat()] += money.convert(payment.amount, rate, "EUR")
    for refund in Refund.objects.all():
        by_day[refund.date.isoformat()] -= money.convert(refund.amount, refund.exchange_rate, "EUR")
    return dict(by_day)


def test_the_payments_report_its_csv_and_the_dashboard_count_payments_less_refunds(
    owner: User, client: HttpClient
) -> None:
    data = refunded_books(owner)
    expected = converted_payments_less_refunds()
    client.force_login(owner)
    rows = csv_rows(client, "/reports/payments/?format=csv")
    assert sum(Decimal(row["base_amount"]) for row in rows) == sum(expected.values(), ZERO)
    refund_rows = [row for row in rows if Decimal(row["amount"]) < 0]
    assert len(refund_rows) == Refund.objects.count() == 3
    assert {row["client"] for row in refund_rows} == {"Umbrella Ltd", "Globex Corporation"}
    summary = payments_summary(EUR, DateRange())
    assert summary == payments_summary_from_documents(EUR, DateRange())
    assert summary["total"] == sum(expected.values(), ZERO)
    assert summary["refunds"] == 3
    page = client.get("/reports/payments/")
    assert page.status_code == 200
    assert money.format_amount(summary["total"], "EUR", with_code=False) in page.content.decode()
    this_month = data.today.strftime("%Y-%m")
    received = sum((v for day, v in expected.items() if day.startswith(this_month)), ZERO)
    assert monthly_figures(EUR, data.today)[-1].received == received
    assert build_dashboard().paid_this_month == received


def test_the_aging_and_the_dashboard_owe_the_balances_left_after_refunds_and_credit(
    owner: User, client: HttpClient
) -> None:
    refunded_books(owner)
    owed = ZERO
    for invoice in Invoice.objects.filter(status__in=OPEN_STATUSES):
        assert invoice.exchange_rate is not None
        owed += money.convert(invoice.balance_due, invoice.exchange_rate, "EUR")
    client.force_login(owner)
    rows = csv_rows(client, "/reports/aging/?format=csv")
    assert rows[-1]["client"] == "Total"
    assert Decimal(rows[-1]["total"]) == owed
    assert build_dashboard().outstanding == owed
    refund = Refund.objects.get(payment__isnull=False, currency="USD")
    refunded = Invoice.objects.get(pk=refund.invoice_id)
    assert refunded.balance_due == Decimal("99.99")  # the refunded part of a paid invoice


def test_the_sales_and_tax_reports_still_equal_the_documents_after_refunds_and_credit(
    owner: User, client: HttpClient
) -> None:
    refunded_books(owner)
    net, taxes, total = documents_in_eur()
    client.force_login(owner)
    sales = csv_rows(client, "/reports/sales/?period=year&format=csv")[-1]
    assert sales["period"] == "Total"
    assert Decimal(sales["net_sales"]) == net
    assert Decimal(sales["tax"]) == sum(taxes.values(), ZERO)
    assert Decimal(sales["total"]) == total
    tax = csv_rows(client, "/reports/tax/?format=csv")
    assert tax[-1]["tax"] == "Total"
    assert Decimal(tax[-1]["tax_due"]) == sum(taxes.values(), ZERO)
    by_rate = {(row["tax"], Decimal(row["rate"])): Decimal(row["tax_due"]) for row in tax[:-1]}
    assert by_rate == taxes
