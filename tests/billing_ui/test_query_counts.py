"""The list, invoice and home pages cost the same number of queries with 10 or 1,000 invoices."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.fixtures.factories import add_invoices


def queries(web: WebClient, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert web.get(url).status_code == 200
    return len(captured)


@pytest.fixture
def pages(owner: User) -> list[str]:
    issued = factories.issued_invoice(owner)
    services.record_payment(issued, amount="10", by=owner)
    services.create_credit_note(
        issued,
        by=owner,
        lines=[
            services.CreditLine(issued.snapshot["lines"][1]["id"] if issued.snapshot else 0, "1")
        ],
    )
    draft = factories.draft(owner)
    return [
        reverse("web:home"),
        reverse("billing:invoices"),
        reverse("billing:invoices") + "?status=overdue&q=bulk",
        reverse("billing:invoices") + "?q=BULK-00007",
        # Past the middle at 1,000 invoices: read from the other end (page 1 at 10 invoices).
        reverse("billing:invoices") + "?page=39",
        reverse("billing:invoices") + f"?client={issued.client_id}&date_from=2025-01-01",
        reverse("billing:invoice", args=[issued.pk]),
        reverse("billing:invoice", args=[draft.pk]),
        reverse("billing:client", args=[issued.client_id]),
        reverse("billing:clients"),
    ]


def test_page_query_counts_do_not_grow_with_the_number_of_invoices(
    as_owner: WebClient, pages: list[str]
) -> None:
    add_invoices(8)
    with_ten = {url: queries(as_owner, url) for url in pages}
    add_invoices(990)
    assert Invoice.objects.count() == 1000
    with_a_thousand = {url: queries(as_owner, url) for url in pages}
    assert with_a_thousand == with_ten
    # The home page is the highest: recomputing the dashboard reads its summaries in 10 small
    # queries (was 8 scans of the documents; 660 ms → 103 ms at 100,000 invoices, bench/results).
    assert max(with_ten.values()) <= 17, with_ten


def test_the_list_shows_one_page_of_invoices_at_a_time(as_owner: WebClient) -> None:
    add_invoices(60)
    response = as_owner.get(reverse("billing:invoices"), {"page": "2"})
    page = response.context["page"]
    assert len(page.object_list) == 25 and page.paginator.count == 60
    assert "Page 2 of 3" in response.content.decode()
    filtered = as_owner.get(reverse("billing:invoices"), {"q": "BULK-00007"})
    assert [invoice.number for invoice in filtered.context["page"]] == ["BULK-00007"]
    overdue = as_owner.get(reverse("billing:invoices"), {"status": "overdue"})
    assert overdue.context["page"].paginator.count == 60
    bad = as_owner.get(reverse("billing:invoices"), {"date_from": "not-a-date", "page": "x"})
    assert bad.status_code == 200
