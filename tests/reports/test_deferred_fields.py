"""Pages that list invoices with `.only()` read them in a fixed number of queries.

`Invoice.from_db` asks `is_frozen()` (status), and a related manager (`client.invoices`) reads
each row's `client_id` to attach the client it knows: a field that `.only()` leaves out is then
loaded again, one query per row. Listing 1 or 12 invoices must take the same number of queries.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.reports.bulk import bulk_invoices

pytestmark = pytest.mark.django_db


def queries(client: HttpClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def test_invoice_lists_do_not_reload_deferred_fields_per_row(
    owner: User, client: HttpClient
) -> None:
    factories.business()
    buyer = factories.client("Globex Corporation")
    client.force_login(owner)
    bulk_invoices(1, [buyer], 1)
    pages = [f"/clients/{buyer.pk}/", "/invoices/", "/"]
    few = {url: queries(client, url) for url in pages}
    bulk_invoices(11, [buyer], 2)
    assert Invoice.objects.count() == 12
    assert {url: queries(client, url) for url in pages} == few


def test_the_aging_page_lists_the_largest_clients_and_totals_them_all(
    owner: User, client: HttpClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetron.reports.views import reports

    factories.business()
    buyers = [factories.client(f"Client {n}", email=f"c{n}@example.com") for n in range(3)]
    bulk_invoices(3, buyers, 1)
    monkeypatch.setattr(reports, "CLIENTS_LISTED", 2)
    client.force_login(owner)
    page = client.get("/reports/aging/").content.decode()
    assert "The 2 largest of 3 clients" in page
    assert len(re.findall(r'href="/clients/\d+/"', page)) == 2
    assert "360.00" in page  # the total of all three
    csv = client.get("/reports/aging/?format=csv")
    body = b"".join(csv.streaming_content) if csv.streaming else csv.content  # type: ignore[attr-defined]
    assert body.decode().count("Client ") == 3
