"""Deep pages of the lists (web.lists.ListPaginator): each page shows the rows that OFFSET showed,
in the same order, but reads the ids first (a narrow scan of the list's order) instead of making
PostgreSQL build and drop every skipped row with its joins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client, CreditNote, Invoice
from invoicetron.quotes.models import Quote
from invoicetron.web import lists
from invoicetron.web.lists import PAGE_SIZE, rows_between
from tests.fixtures import factories
from tests.fixtures.list_data import add_documents

LISTS: list[tuple[str, Callable[[], QuerySet[Any]]]] = [
    ("/invoices/", Invoice.objects.all),
    ("/credit-notes/", CreditNote.objects.all),
    ("/quotes/", Quote.objects.all),
    ("/clients/", lambda: Client.objects.filter(archived=False)),
]


@pytest.fixture
def every_page_by_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page past the first row is read in two steps, as deep pages are."""
    monkeypatch.setattr(lists, "DEEP_ROWS", 0)


def shown(as_owner: WebClient, url: str, **params: Any) -> list[int]:
    response = as_owner.get(url, params)
    assert response.status_code == 200
    return [row.pk for row in response.context["page"]]


@pytest.mark.usefixtures("every_page_by_ids")
@pytest.mark.parametrize(("url", "rows"), LISTS)
def test_every_page_shows_the_rows_offset_showed(
    as_owner: WebClient, owner: User, url: str, rows: Callable[[], QuerySet[Any]]
) -> None:
    add_documents(per_client=17)  # 85 of each document: 4 pages, the last one partly full
    for client in Client.objects.all()[:2]:
        factories.draft(owner, for_client=client)  # no issue date: first in the invoice list
    Client.objects.bulk_create(Client(name=f"Client {n % 7}") for n in range(80))  # same names
    expected = Paginator(rows(), PAGE_SIZE)
    assert expected.num_pages >= 4
    for number in expected.page_range:
        assert shown(as_owner, url, page=number) == [row.pk for row in expected.page(number)]


@pytest.mark.usefixtures("every_page_by_ids")
def test_the_pages_of_a_search_show_the_rows_offset_showed(as_owner: WebClient) -> None:
    add_documents(per_client=20)
    matching = Paginator(Invoice.objects.filter(client__name__icontains="wood"), PAGE_SIZE)
    assert matching.num_pages == 2
    for number in matching.page_range:
        rows = [invoice.pk for invoice in matching.page(number)]
        assert shown(as_owner, "/invoices/", q="wood", page=number) == rows


def test_a_page_deep_in_thousands_of_invoices_is_the_offset_page_read_by_ids(
    as_owner: WebClient,
) -> None:
    factories.add_invoices(2100)
    every = Paginator(Invoice.objects.all(), PAGE_SIZE)
    middle = 42  # rows 1,025 to 1,050: deeper than DEEP_ROWS from either end
    assert every.count // 2 > (middle - 1) * PAGE_SIZE > lists.DEEP_ROWS
    with CaptureQueriesContext(connection) as queries:
        rows = shown(as_owner, "/invoices/", page=middle)
    assert rows == [invoice.pk for invoice in every.page(middle)]
    ids_query = next(
        q["sql"]
        for q in queries
        if q["sql"].startswith('SELECT "billing_invoice"."id" AS "pk" FROM')
    )
    assert "OFFSET 1025" in ids_query
    page_query = next(q["sql"] for q in queries if "billing_client" in q["sql"])
    assert "OFFSET" not in page_query, "the rows with their client are read by id"
    for number in (every.num_pages - middle, 2, every.num_pages):
        assert shown(as_owner, "/invoices/", page=number) == [i.pk for i in every.page(number)]


def test_the_ids_of_a_deep_page_come_from_the_list_order_index(owner: User) -> None:
    factories.add_invoices(3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE billing_invoice")
        # At 3,000 rows a scan and a sort can cost the planner as much as the index (it chose
        # either, run to run); at 100,000 the index wins. Without full scans, only an index that
        # matches the list's order avoids the sort.
        cursor.execute("SET LOCAL enable_seqscan = off")
    ids = Invoice.objects.values_list("pk", flat=True)[1500:1525]
    plan = ids.explain()
    assert "using billing_invoice_list_order on billing_invoice" in plan, plan
    assert rows_between(Invoice.objects.all(), 1500, 1525) == list(Invoice.objects.all()[1500:1525])


def test_a_page_reads_its_rows_only_when_they_are_used(owner: User) -> None:
    factories.add_invoices(60)
    paginator = lists.ListPaginator(Invoice.objects.all(), PAGE_SIZE, lambda rows: 60)
    with CaptureQueriesContext(connection) as before_use:
        middle, last = paginator.page(2), paginator.page(3)
    assert len(before_use) == 0, "a kept rendering of the page reads no row"
    assert [i.pk for i in middle] == [i.pk for i in Invoice.objects.all()[25:50]]
    assert [i.pk for i in last] == [i.pk for i in Invoice.objects.all()[50:60]]
