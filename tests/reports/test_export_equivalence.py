"""The streamed CSV exports write byte for byte what the per-object exports wrote before them.

The reference is tests/reports/legacy_exports.py (the old code, verbatim). The books mix
currencies with 0, 2 and 3 minor digits, credit notes, drafts, partial payments, discounts,
several taxes per line, and hostile text: formulas, quotes, newlines, non-ASCII.
"""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    Contact,
    Invoice,
    InvoiceStatus,
    NumberSeries,
)
from invoicetron.billing.money import round_to_minor_unit
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.csvio.columns import CLIENT_COLUMNS, INVOICE_COLUMNS, PAYMENT_COLUMNS
from tests.fixtures import factories
from tests.fixtures.books import books, issue
from tests.reports import legacy_exports as legacy

pytestmark = pytest.mark.django_db

HOSTILE = [
    "=cmd|'/c calc'!A0",
    '+SUM(1,2) "quoted", with a comma',
    "-2+3",
    "@lookup",
    "'=already escaped",
    "line one\nline two\r\nline three",
    "\ttabbed",
    "Ærøskøbing Søndergade — 東京 🚀",
    "-12.50",
    "0042",
]
PAYMENT_REPORT_HEADER = [
    "date",
    "invoice_number",
    "client",
    "method",
    "reference",
    "amount",
    "currency",
    "base_amount",
    "base_currency",
]


def varied_books(owner: User) -> None:
    """books() plus hostile names and notes, JPY and BHD invoices, discounts, several taxes."""
    books(owner)
    today = services.business_today()
    line = factories.line
    vat, city = factories.tax_rate("VAT", "20"), factories.tax_rate(HOSTILE[0], "1.0825")
    factories.tax_rate("@tax", "7")
    second_series = NumberSeries.objects.create(
        name="=B series", kind="invoice", pattern="B-{YYYY}-{SEQ:3}", reset="never"
    )
    for index, text in enumerate(HOSTILE):
        client = factories.client(text, email=f"ap{index}@hostile.example")
        currency, rate = [("JPY", "0.0061"), ("BHD", "2.4531"), (None, None)][index % 3]
        invoice = services.create_draft(
            client=client,
            by=owner,
            currency=currency,
            series=second_series if index % 2 else None,
            issue_date=today - datetime.timedelta(days=index * 7),
            due_date=today + datetime.timedelta(days=30 - index * 9),
            prices_include_tax=index % 4 == 1,
            discount_type="amount" if index % 5 == 2 else "percent",
            discount_value="3" if index % 5 == 2 else ("12.5" if index % 5 == 3 else "0"),
            notes=text,
            terms=HOSTILE[-1 - index],
            lines=[
                line(text, "1.5", "1234.567", [vat, city], unit="=h"),
                line("Plain", "3", "0.5", [], discount_value="10"),
                line(HOSTILE[-1 - index], "2", "99.99", [city]),
            ],
        )
        issued = services.issue_invoice(invoice, by=owner, exchange_rate=rate)
        if index % 3 != 2:
            services.record_payment(
                issued,
                amount=round_to_minor_unit(issued.balance_due / 3, issued.currency),
                by=owner,
                date=today - datetime.timedelta(days=index),
                method=["card", "cash", "online"][index % 3],
                reference=text,
                notes=HOSTILE[-1 - index],
            )
    factories.draft(owner, for_client=client)  # drafts are not exported
    lines = [line("Same day, later series", "1", "10")]
    issue(client, owner, days_ago=0, lines=lines)


def download(client: HttpClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


@pytest.fixture
def signed_in(owner: User, client: HttpClient) -> HttpClient:
    varied_books(owner)
    client.force_login(owner)
    return client


def test_the_books_are_varied_enough_to_compare(signed_in: HttpClient) -> None:
    issued = Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
    assert {"JPY", "BHD", "USD", "EUR"} <= set(issued.values_list("currency", flat=True))
    assert Invoice.objects.filter(status=InvoiceStatus.DRAFT).exists()
    assert Invoice.objects.filter(credit_notes__isnull=False).exists()
    assert issued.values("series").distinct().count() == 2


def test_invoices_export_is_unchanged(signed_in: HttpClient) -> None:
    expected = legacy.csv_bytes(INVOICE_COLUMNS, legacy.invoice_rows())
    written = download(signed_in, "/data/export/invoices.csv")
    assert written == expected
    assert b"'=cmd|'/c calc'!A0" in written and b"\xe6\x9d\xb1\xe4\xba\xac" in written


def test_clients_export_is_unchanged(signed_in: HttpClient) -> None:
    primary = Contact.objects.filter(is_primary=True).select_related("client").first()
    assert primary is not None
    Contact.objects.create(
        client=primary.client, name="=second", email="two@hostile.example", is_primary=False
    )
    Client.objects.filter(pk=primary.client_id).update(
        payment_terms_days=14, notes="-12\nline", archived=True, billing_address="1 Rue\n2"
    )
    Client.objects.create(name="No contact at all")
    expected = legacy.csv_bytes(CLIENT_COLUMNS, legacy.client_rows())
    written = download(signed_in, "/data/export/clients.csv")
    assert written == expected
    assert b",14," in written and b",yes," in written and b"No contact at all" in written


def test_payments_export_is_unchanged(signed_in: HttpClient) -> None:
    expected = legacy.csv_bytes(PAYMENT_COLUMNS, legacy.payment_rows())
    written = download(signed_in, "/data/export/payments.csv")
    assert written == expected
    assert written.count(b"\r\n") > 8


@pytest.mark.parametrize(("start_days_ago", "end_days_ago"), [(None, None), (4, None), (30, 2)])
def test_payments_report_csv_is_unchanged(
    signed_in: HttpClient, start_days_ago: int | None, end_days_ago: int | None
) -> None:
    base, today = Base.of(BusinessProfile.load()), services.business_today()
    start, end = (
        None if days is None else today - datetime.timedelta(days=days)
        for days in (start_days_ago, end_days_ago)
    )
    expected = legacy.csv_bytes(
        PAYMENT_REPORT_HEADER, legacy.payment_report_rows(base, DateRange(start, end))
    )
    query = "&".join(f"{name}={day}" for name, day in (("start", start), ("end", end)) if day)
    written = download(signed_in, f"/reports/payments/?format=csv&{query}")
    assert written == expected
    assert written.count(b"\r\n") > 2
