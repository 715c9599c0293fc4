"""The dashboard and the reports run the same number of queries for 10 or 1,000 invoices."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.reports.bulk import bulk_invoices

pytestmark = pytest.mark.django_db
PAGES = (
    "/dashboard/",
    "/reports/sales/",
    "/reports/tax/",
    "/reports/aging/",
    "/reports/payments/",
    "/reports/sales/?format=csv",
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
