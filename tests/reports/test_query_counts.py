"""The dashboard and the reports run the same number of queries for 10 or 1,000 invoices."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import (
    Client,
    DocumentKind,
    Invoice,
    InvoiceStatus,
    Payment,
)
from tests.fixtures import factories

pytestmark = pytest.mark.django_db
PAGES = (
    "/dashboard/",
    "/reports/sales/",
    "/reports/tax/",
    "/reports/aging/",
    "/reports/payments/",
    "/reports/sales/?format=csv",
)


def bulk_invoices(count: int, clients: list[Client], start: int) -> None:
    """Issued invoices written straight to the table (the services would take minutes)."""
    series = services.default_series(DocumentKind.INVOICE)
    today = services.business_today()
    invoices = []
    for n in range(start, start + count):
        issued = today - datetime.timedelta(days=n % 400)
        taxes = [{"name": "VAT", "rate": "20.000", "base": "100.00", "tax": "20.00"}]
        invoices.append(
            Invoice(
                client=clients[n % len(clients)],
                series=series,
                number=f"BULK-{n:06d}",
                sequence=n,
                status=InvoiceStatus.ISSUED,
                currency="EUR",
                exchange_rate=Decimal(1),
                issue_date=issued,
                due_date=issued + datetime.timedelta(days=30),
                snapshot={"lines": [], "totals": {"taxes": taxes}},
                net_total=Decimal(100),
                tax_total=Decimal(20),
                total=Decimal(120),
                balance_due=Decimal(120),
            )
        )
    created = Invoice.objects.bulk_create(invoices)
    Payment.objects.bulk_create(
        Payment(invoice=invoice, date=invoice.issue_date, amount=Decimal(10))  # type: ignore[misc]
        for invoice in created[::2]
    )


def query_counts(client: HttpClient) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def test_query_counts_do_not_grow_with_the_number_of_invoices(
    owner: User, client: HttpClient
) -> None:
    factories.business()
    clients = [factories.client(f"Client {n}", email=f"c{n}@example.com") for n in range(12)]
    client.force_login(owner)
    bulk_invoices(10, clients, 1)
    small = query_counts(client)
    bulk_invoices(990, clients, 11)
    assert Invoice.objects.count() == 1000
    assert query_counts(client) == small
    print("query counts", small)
    assert small["/dashboard/"] <= 16, small
