from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import OPEN_STATUSES, CreditNote, Invoice, Payment
from invoicetron.billing.money import convert, in_base_currency, totals_from_json
from invoicetron.reports.dashboard import build_dashboard
from tests.fixtures.books import books

pytestmark = pytest.mark.django_db


def in_eur(amount: Decimal, invoice: Invoice) -> Decimal:
    assert invoice.exchange_rate is not None
    return convert(amount, invoice.exchange_rate, "EUR")


def document_in_eur(document: Invoice | CreditNote, invoice: Invoice) -> Decimal:
    """A document's total converted as the reports convert it (money rule 9)."""
    assert invoice.exchange_rate is not None
    figures = totals_from_json(document.snapshot["totals"])  # type: ignore[index]
    return in_base_currency(figures, invoice.exchange_rate, "EUR").total


def test_the_dashboard_totals_match_the_documents_converted_one_by_one(owner: User) -> None:
    data = books(owner)
    dash = build_dashboard()
    open_invoices = [i for i in data.invoices if i.status in OPEN_STATUSES and i.balance_due > 0]
    outstanding = sum((in_eur(i.balance_due, i) for i in open_invoices), Decimal(0))
    overdue = sum(
        (in_eur(i.balance_due, i) for i in open_invoices if i.due_date < data.today),  # type: ignore[operator]
        Decimal(0),
    )
    paid_year = sum(
        (
            in_eur(p.amount, p.invoice)
            for p in Payment.objects.all()
            if p.date.year == data.today.year
        ),
        Decimal(0),
    )
    assert dash.outstanding == outstanding
    assert dash.outstanding_count == len(open_invoices)
    assert dash.overdue == overdue
    assert dash.paid_this_year == paid_year
    assert dash.aging.total == outstanding
    assert all(amount > 0 for amount in dash.aging.buckets.values()), "every bucket is used"


def test_the_monthly_chart_nets_credit_notes_against_invoices(owner: User) -> None:
    data = books(owner)
    dash = build_dashboard()
    invoiced = sum((document_in_eur(i, i) for i in data.invoices), Decimal(0))
    credited = sum(
        (document_in_eur(n, n.invoice) for n in CreditNote.objects.select_related("invoice")),
        Decimal(0),
    )
    shown = sum((month.invoiced for month in dash.months), Decimal(0))
    assert len(dash.months) == 12
    assert shown == invoiced - credited  # every document of the books is within 12 months
    assert dash.top_clients[0]["client__name"] in {"Initech", "Umbrella Ltd", "Globex Corporation"}


def test_the_dashboard_page_draws_its_charts(owner: User, client: HttpClient) -> None:
    books(owner)
    client.force_login(owner)
    page = client.get("/dashboard/").content.decode()
    assert '<svg class="chart"' in page and 'role="img"' in page
    assert "Receivables by age" in page and "Top clients" in page
    assert "Failed emails" not in page
