"""Search in the quote, credit-note and client lists: the rows the plain `icontains` queries found,
read through the trigram indexes (billing 0007 and 0010, quotes 0004) once there are thousands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.db.models import Q, QuerySet
from django.test import Client as WebClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client, Contact, CreditNote, Invoice, clients_matching
from invoicetron.quotes.models import Quote
from tests.fixtures.list_data import add_documents

TEXTS = ["redwood", "REDWOOD", "Wood", "%", "_", "\\", "50%", "CN-2026", "QUO-20", "0007", "zzz"]


def listed(as_owner: WebClient, url: str, text: str) -> set[int]:
    """The ids on every page of a list searched for `text`."""
    ids: set[int] = set()
    page_number = 1
    while True:
        response = as_owner.get(url, {"q": text, "page": page_number})
        assert response.status_code == 200
        page = response.context["page"]
        ids |= {row.pk for row in page}
        if not page.has_next():
            return ids
        page_number += 1


@pytest.mark.parametrize("text", TEXTS)
def test_each_list_finds_what_the_plain_icontains_query_found(
    as_owner: WebClient, owner: User, text: str
) -> None:
    add_documents(per_client=8)
    quotes = Quote.objects.filter(Q(number__icontains=text) | Q(client__name__icontains=text))
    assert listed(as_owner, "/quotes/", text) == {quote.pk for quote in quotes}
    notes = CreditNote.objects.filter(
        Q(number__icontains=text)
        | Q(invoice__number__icontains=text)
        | Q(invoice__client__name__icontains=text)
    )
    assert listed(as_owner, "/credit-notes/", text) == {note.pk for note in notes}
    clients = Client.objects.filter(
        Q(name__icontains=text) | Q(contacts__email__icontains=text)
    ).distinct()
    assert listed(as_owner, "/clients/", text) == {client.pk for client in clients}


def test_search_finds_by_number_and_by_client_name(as_owner: WebClient, owner: User) -> None:
    add_documents(per_client=3)
    quote = Quote.objects.exclude(number="").select_related("client").first()
    note = CreditNote.objects.select_related("invoice__client").first()
    assert quote is not None and note is not None
    assert listed(as_owner, "/quotes/", quote.number) == {quote.pk}
    by_name = Quote.objects.filter(client=quote.client)
    assert listed(as_owner, "/quotes/", quote.client.name.upper()) >= {q.pk for q in by_name}
    assert listed(as_owner, "/credit-notes/", note.number) == {note.pk}
    assert listed(as_owner, "/credit-notes/", note.invoice.number) == {note.pk}
    of_client = CreditNote.objects.filter(invoice__client=note.invoice.client)
    assert listed(as_owner, "/credit-notes/", note.invoice.client.name) >= {n.pk for n in of_client}
    lumber = Client.objects.get(name="redwood lumber")
    assert listed(as_owner, "/clients/", "billing1@redwood") == {lumber.pk}, "by contact email"


def plan(rows: QuerySet[Any]) -> str:
    """The plan PostgreSQL picks when it may not read a whole table or a whole index.

    At a few thousand rows reading everything is honestly the cheaper plan (a trigram lookup
    is priced high), so full scans are priced out: the plan then shows which indexes match the
    query's conditions (UPPER(col) LIKE, as `icontains` writes it), what lets PostgreSQL use them
    at 100,000 rows, where it does so unasked (bench/: "in PostgreSQL ms")."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    return rows.explain()


SEARCHES: list[tuple[Callable[[str], QuerySet[Any]], str, str]] = [
    (Quote.objects.search, "2026-0123", "quotes_quote_number_trgm"),
    (CreditNote.objects.search, "CN-2026-0123", "billing_creditnote_number_trgm"),
    (Invoice.objects.search, "2026-0123", "billing_invoice_number_trgm"),
    (
        lambda text: clients_matching(Client.objects.all(), text),
        "Redwood",
        "billing_client_name_trgm",
    ),
]


@pytest.mark.parametrize(("search", "text", "index"), SEARCHES)
def test_a_search_reads_the_trigram_indexes_among_thousands_of_rows(
    owner: User, search: Callable[[str], QuerySet[Any]], text: str, index: str
) -> None:
    add_documents(per_client=800)  # 4,000 of each document
    shown = plan(search(text).order_by())  # the matching rows, as the page's COUNT reads them
    assert f"Bitmap Index Scan on {index}" in shown, shown
    assert "Seq Scan" not in shown, shown


def test_the_credit_note_search_reads_the_invoice_indexes_too(owner: User) -> None:
    add_documents(per_client=800)
    shown = plan(CreditNote.objects.search("Organic").order_by())
    assert "Bitmap Index Scan on billing_creditnote_number_trgm" in shown, shown
    assert "Bitmap Index Scan on billing_invoice_number_trgm" in shown, shown
    assert "Bitmap Index Scan on billing_creditnote_invoice_id" in shown, shown
    assert "Seq Scan" not in shown, shown


def test_the_contacts_search_reads_the_email_index(owner: User) -> None:
    add_documents(per_client=1)
    Contact.objects.bulk_create(
        Contact(client_id=Client.objects.first().pk, email=f"person{n}@example.org")  # type: ignore[union-attr]
        for n in range(3000)
    )
    shown = plan(Contact.objects.filter(email__icontains="person1234"))
    assert "Bitmap Index Scan on billing_contact_email_trgm" in shown, shown
