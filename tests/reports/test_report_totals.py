"""Every report total equals the sum of the underlying documents, computed here independently."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import CreditNote, Invoice, Payment
from invoicetron.billing.money import convert
from invoicetron.reports.aging import aging_by_client
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.sales import payments_summary, sales_by_period, sum_rows, tax_summary
from tests.fixtures.books import books

pytestmark = pytest.mark.django_db
EUR = Base("EUR", 2)
ZERO = Decimal(0)


def eur(amount: Decimal | str, invoice: Invoice) -> Decimal:
    assert invoice.exchange_rate is not None
    return convert(Decimal(amount), invoice.exchange_rate, "EUR")


def test_sales_by_period_are_invoices_less_credit_notes_in_the_base_currency(owner: User) -> None:
    data = books(owner)
    notes = list(CreditNote.objects.select_related("invoice"))
    expected_net = sum((eur(i.net_total, i) for i in data.invoices), ZERO) - sum(
        (eur(n.net_total, n.invoice) for n in notes), ZERO
    )
    expected_tax = sum((eur(i.tax_total, i) for i in data.invoices), ZERO) - sum(
        (eur(n.tax_total, n.invoice) for n in notes), ZERO
    )
    for kind in ("month", "quarter", "year"):
        total = sum_rows(sales_by_period(EUR, DateRange(), kind))
        assert (total.net, total.tax) == (expected_net, expected_tax)
        assert total.invoices == len(data.invoices) and total.credit_notes == 1


def test_a_date_range_keeps_only_the_documents_dated_within_it(owner: User) -> None:
    data = books(owner)
    start, end = data.today - datetime.timedelta(days=60), data.today
    inside = [i for i in data.invoices if start <= i.issue_date <= end]  # type: ignore[operator]
    notes = [n for n in CreditNote.objects.select_related("invoice") if start <= n.issue_date]
    total = sum_rows(sales_by_period(EUR, DateRange(start, end)))
    assert total.invoices == len(inside) == 3
    assert total.net == sum((eur(i.net_total, i) for i in inside), ZERO) - sum(
        (eur(n.net_total, n.invoice) for n in notes), ZERO
    )


def test_the_tax_summary_adds_up_each_rate_from_the_frozen_breakdowns(owner: User) -> None:
    data = books(owner)
    expected: dict[Decimal, Decimal] = defaultdict(Decimal)
    bases: dict[Decimal, Decimal] = defaultdict(Decimal)
    for invoice in data.invoices:
        for row in invoice.snapshot["totals"]["taxes"]:  # type: ignore[index]
            expected[Decimal(row["rate"])] += eur(row["tax"], invoice)
            bases[Decimal(row["rate"])] += eur(row["base"], invoice)
    for note in CreditNote.objects.select_related("invoice"):
        for row in note.snapshot["totals"]["taxes"]:
            expected[Decimal(row["rate"])] -= eur(row["tax"], note.invoice)
            bases[Decimal(row["rate"])] -= eur(row["base"], note.invoice)
    rows = tax_summary(EUR, DateRange())
    assert {row.rate: row.tax for row in rows} == dict(expected)
    assert {row.rate: row.base for row in rows} == dict(bases)
    assert [row.label for row in rows] == ["VAT 5.5 %", "VAT 20 %"]
    assert rows[1].credit_notes == 1


def _aged(days_late: int) -> str:
    if days_late <= 0:
        return "current"
    for key, high in (("days_1_30", 30), ("days_31_60", 60), ("days_61_90", 90)):
        if days_late <= high:
            return key
    return "days_over_90"


@pytest.mark.parametrize("days_back", [0, 15, 100])
def test_aging_per_client_ages_the_balance_each_invoice_had_on_the_day(
    owner: User, days_back: int
) -> None:
    data = books(owner)
    as_of = data.today - datetime.timedelta(days=days_back)
    expected: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for invoice in data.invoices:
        if invoice.issue_date > as_of:  # type: ignore[operator]
            continue
        paid = sum(
            (p.amount for p in Payment.objects.filter(invoice=invoice) if p.date <= as_of), ZERO
        )
        notes = CreditNote.objects.filter(invoice=invoice, issue_date__lte=as_of)
        balance = invoice.total - paid - sum((n.total for n in notes), ZERO)
        if balance > 0:
            bucket = _aged((as_of - invoice.due_date).days)  # type: ignore[operator]
            expected[invoice.client.name][bucket] += eur(balance, invoice)
    rows = aging_by_client(EUR, as_of, DateRange())
    found = {row.label: {k: v for k, v in row.buckets.items() if v} for row in rows}
    assert found == {name: dict(buckets) for name, buckets in expected.items()}


def test_payments_received_total_the_payments_converted_at_their_invoices_rate(
    owner: User,
) -> None:
    books(owner)
    payments = list(Payment.objects.select_related("invoice"))
    summary = payments_summary(EUR, DateRange())
    assert summary["count"] == len(payments) == 2
    assert summary["total"] == sum((eur(p.amount, p.invoice) for p in payments), ZERO)


def test_each_report_page_renders_and_its_csv_total_row_matches(
    owner: User, client: HttpClient
) -> None:
    books(owner)
    client.force_login(owner)
    for name in ("sales", "tax", "aging", "payments"):
        assert client.get(f"/reports/{name}/").status_code == 200, name
    response = client.get("/reports/sales/?period=year&format=csv")
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()  # type: ignore[attr-defined]
    total = sum_rows(sales_by_period(EUR, DateRange(), "year"))
    assert lines[-1].split(",")[7] == f"{total.net}"
    response = client.get("/reports/tax/?start=2000-01-01&end=1999-01-01")
    assert b"The end date is before the start date." in response.content
