"""The reports agree with each other and with the documents, to the cent, on the demo data.

The demo data has foreign-currency invoices with several tax rates and credit notes: the case
where converting a document's tax total once, or each of its tax rows, gave different sums.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.services import business_today
from invoicetron.demo.load import generate
from invoicetron.reports.amounts import Base
from invoicetron.reports.dashboard import monthly_figures
from tests.fixtures import factories
from tests.reports.reconciliation import ZERO, csv_rows, documents_in_eur

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(owner: User) -> None:
    generate(6, 150, seed=7, report=lambda message: None)


def test_the_sales_and_tax_reports_give_the_same_tax_as_the_documents(
    demo: None, owner: User, client: HttpClient
) -> None:
    client.force_login(owner)
    sales = csv_rows(client, "/reports/sales/?period=year&format=csv")
    tax = csv_rows(client, "/reports/tax/?format=csv")
    sales_total, tax_total = sales[-1], tax[-1]
    assert sales_total["period"] == tax_total["tax"] == "Total"
    assert Decimal(sales_total["tax"]) == Decimal(tax_total["tax_due"])
    net, taxes, total = documents_in_eur()
    assert Decimal(sales_total["net_sales"]) == net
    assert Decimal(sales_total["tax"]) == sum(taxes.values(), ZERO)
    assert Decimal(sales_total["total"]) == total
    by_rate = {(row["tax"], Decimal(row["rate"])): Decimal(row["tax_due"]) for row in tax[:-1]}
    assert by_rate == {key: value for key, value in taxes.items() if key in by_rate}
    assert set(by_rate) == set(taxes)


def test_the_dashboard_months_are_the_sales_report_months(
    demo: None, owner: User, client: HttpClient
) -> None:
    client.force_login(owner)
    assert client.get("/dashboard/").status_code == 200
    sales = {row["period"]: row for row in csv_rows(client, "/reports/sales/?format=csv")}
    months = monthly_figures(Base("EUR", 2), business_today())
    assert any(month.invoiced for month in months)
    for month in months:
        row = sales.get(f"{month.month:%Y-%m}")
        assert month.invoiced == (Decimal(row["total"]) if row else ZERO), month


def test_an_invoice_closed_by_its_credit_notes_owes_nothing_in_the_aging_report(
    owner: User, client: HttpClient
) -> None:
    factories.business()
    vat = factories.tax_rate("VAT", "19")
    stamps = [
        factories.line("Stamp", "1", "0.02", [vat]),
        factories.line("Stamp", "1", "0.02", [vat]),
    ]
    invoice = services.issue_invoice(factories.draft(owner, lines=stamps), by=owner)
    for row in invoice.snapshot["lines"]:  # type: ignore[index]
        services.create_credit_note(invoice, by=owner, lines=[services.CreditLine(row["id"], 1)])
    invoice.refresh_from_db()
    # Each note's tax on 0.02 rounds to 0.00, the invoice's on 0.04 to 0.01 (money rule 8).
    assert (invoice.total - invoice.amount_credited, invoice.balance_due) == (Decimal("0.01"), 0)
    client.force_login(owner)
    rows = csv_rows(client, "/reports/aging/?format=csv")
    assert [row["client"] for row in rows] == ["Total"]
    assert Decimal(rows[-1]["total"]) == 0
