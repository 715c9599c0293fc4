"""The invoice list's search and its deep pages: the same rows as the plain queries they replace."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.paginator import Paginator
from django.db.models import Q
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import DocumentKind, Invoice, InvoiceStatus
from invoicetron.billing.views.invoices import LIST_FIELDS, filtered_invoices
from invoicetron.web.lists import PAGE_SIZE
from tests.fixtures import factories

CLIENT_NAMES = (
    "Redwood Partners",
    "redwood lumber",
    "100% Organic",
    "snake_case Ltd",
    "Back\\slash GmbH",
    "Ada & Co",
)
NUMBERS = ("INV-2026-{:04d}", "50%OFF-{:02d}", "A_B-{:02d}", "X\\Y-{:02d}")


def add_invoices(owner: User) -> None:
    """Issued invoices of every client with awkward numbers, and one draft per client."""
    series = services.default_series(DocumentKind.INVOICE)
    day = datetime.date(2026, 1, 1)
    sequence = 0
    rows = []
    for client_index, name in enumerate(CLIENT_NAMES):
        client = factories.client(name)
        factories.draft(owner, for_client=client)
        for shape in NUMBERS:
            for _ in range(3):
                sequence += 1
                rows.append(
                    Invoice(
                        client=client,
                        series=series,
                        status=InvoiceStatus.ISSUED,
                        number=shape.format(sequence),
                        sequence=sequence,
                        currency="EUR",
                        issue_date=day + datetime.timedelta(days=(sequence * 7) % 40),
                        due_date=day + datetime.timedelta(days=client_index + 60),
                        net_total=Decimal(100),
                        tax_total=Decimal(20),
                        total=Decimal(120),
                        amount_paid=Decimal(0),
                        balance_due=Decimal(120),
                    )
                )
    Invoice.objects.bulk_create(rows)


HOSTILE = ["%", "_", "\\", "%%", "50%", "A_B", "X\\Y", "\\%", "'", '"', "--", "*", ".*", "[a]"]
ORDINARY = ["redwood", "REDWOOD", "Wood", "inv-2026", "0007", "2026-0", "Ltd", "& co", "a", "zzz"]


@pytest.mark.parametrize("text", HOSTILE + ORDINARY)
def test_search_finds_what_the_plain_icontains_query_found(owner: User, text: str) -> None:
    add_invoices(owner)
    today = datetime.date(2026, 6, 1)
    found, _ = filtered_invoices({"q": text}, today)
    before = Invoice.objects.filter(Q(number__icontains=text) | Q(client__name__icontains=text))
    by_hand = {
        invoice.pk
        for invoice in Invoice.objects.select_related("client")
        if text.upper() in invoice.number.upper() or text.upper() in invoice.client.name.upper()
    }
    assert list(found) == list(before.select_related("client").only(*LIST_FIELDS))
    assert {invoice.pk for invoice in found} == by_hand


def test_hostile_characters_match_themselves_not_as_wildcards(owner: User) -> None:
    add_invoices(owner)
    percent, _ = filtered_invoices({"q": "%"}, datetime.date(2026, 6, 1))
    assert {i.client.name for i in percent if "%" not in i.number} == {"100% Organic"}
    assert all("%" in i.number or "%" in i.client.name for i in percent)
    underscore, _ = filtered_invoices({"q": "_"}, datetime.date(2026, 6, 1))
    assert underscore and all("_" in i.number or "_" in i.client.name for i in underscore)


def test_a_search_longer_than_the_box_allows_says_so(as_owner: WebClient, owner: User) -> None:
    add_invoices(owner)
    response = as_owner.get(reverse("billing:invoices"), {"q": "x" * 101})
    assert response.status_code == 200
    assert "Ensure this value has at most 100 characters (it has 101)." in response.content.decode()
    assert response.context["form"].errors == {
        "q": ["Ensure this value has at most 100 characters (it has 101)."]
    }


def test_every_page_read_from_either_end_matches_the_offset_page(
    as_owner: WebClient, owner: User
) -> None:
    add_invoices(owner)  # 72 issued and 6 drafts: 4 pages, drafts (no issue date) first
    expected = Paginator(Invoice.objects.all(), PAGE_SIZE)
    assert expected.num_pages == 4
    for number in expected.page_range:
        response = as_owner.get(reverse("billing:invoices"), {"page": number})
        shown = [invoice.pk for invoice in response.context["page"]]
        assert shown == [invoice.pk for invoice in expected.page(number)], number
    matching = Paginator(Invoice.objects.filter(client__name__icontains="wood"), PAGE_SIZE)
    searched = as_owner.get(reverse("billing:invoices"), {"q": "wood", "page": matching.num_pages})
    last = matching.page(matching.num_pages)
    assert matching.num_pages == 2 and len(last) == 1, "the last page of a search, partly full"
    assert [invoice.pk for invoice in searched.context["page"]] == [i.pk for i in last]
