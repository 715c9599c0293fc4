"""The reports agree with each other and with the documents, to the cent, on the demo data.

The demo data has foreign-currency invoices with several tax rates and credit notes: the case
where converting a document's tax total once, or each of its tax rows, gave different sums.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.models import CreditNote, Invoice
from invoicetron.billing.services import business_today
from invoicetron.demo.load import generate
from invoicetron.reports.amounts import Base
from invoicetron.reports.dashboard import monthly_figures

pytestmark = pytest.mark.django_db
ZERO = Decimal(0)


@pytest.fixture
def demo(owner: User) -> None:
    generate(6, 150, seed=7, report=lambda message: None)


def csv_rows(client: HttpClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def documents_in_eur() -> tuple[Decimal, dict[tuple[str, Decimal], Decimal], Decimal]:
    """Net, tax per (name, rate) and total of all documents (invoices less credit notes)."""
    net, total = ZERO, ZERO
    taxes: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    documents = [(1, invoice, invoice) for invoice in Invoice.objects.exclude(status="draft")]
    documents += [(-1, note, note.invoice) for note in CreditNote.objects.select_related("invoice")]
    for sign, document, invoice in documents:
        figures = money.totals_from_json(document.snapshot["totals"])
        assert invoice.exchange_rate is not None
        converted = money.in_base_currency(figures, invoice.exchange_rate, "EUR")
        net += sign * converted.net_total
        total += sign * converted.total
        for row in converted.taxes:
            taxes[(row.name, row.rate.normalize())] += sign * row.tax
    return net, dict(taxes), total


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
