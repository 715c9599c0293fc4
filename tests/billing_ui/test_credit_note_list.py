"""/credit-notes/: every credit note, newest first, searchable, paged, in fixed queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Client, CreditNote, DocumentKind, Invoice, InvoiceStatus
from tests.fixtures import factories

LIST = "/credit-notes/"


def credit_some_of(invoice: Invoice, owner: User) -> CreditNote:
    """One hour of the invoice's first line (80.00 + 20 % VAT = 96.00)."""
    line_id = invoice.snapshot["lines"][0]["id"] if invoice.snapshot else 0
    return services.create_credit_note(
        invoice, by=owner, lines=[services.CreditLine(line_id, "1")], reason="One hour too many"
    )


def add_credit_notes(count: int, client: Client) -> None:
    """`count` more credited invoices of `client`, each written in one statement."""
    start = CreditNote.objects.count()
    day = datetime.date(2025, 1, 1)
    invoices = Invoice.objects.bulk_create(
        Invoice(
            client=client,
            series=services.default_series(DocumentKind.INVOICE),
            status=InvoiceStatus.CREDITED,
            number=f"INV-BULK-{start + i:05d}",
            sequence=start + i,
            currency="EUR",
            issue_date=day + datetime.timedelta(days=i),
            total=Decimal(120),
            amount_credited=Decimal(120),
            balance_due=Decimal(0),
        )
        for i in range(count)
    )
    CreditNote.objects.bulk_create(
        CreditNote(
            series=services.default_series(DocumentKind.CREDIT_NOTE),
            number=f"CN-BULK-{start + i:05d}",
            sequence=start + i,
            invoice=invoice,
            currency="EUR",
            issue_date=invoice.issue_date,
            snapshot={},
            net_total=Decimal(100),
            tax_total=Decimal(20),
            total=Decimal(120),
        )
        for i, invoice in enumerate(invoices)
    )


def test_the_list_shows_each_credit_note_with_its_invoice_client_and_total(
    as_colleague: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner, for_client=factories.client("O'Brien & Sons"))
    note = credit_some_of(invoice, owner)
    response = as_colleague.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index(f">{note.number}<") :].split("</tr>")[0]
    assert note.issue_date.isoformat() in row
    assert f'<a href="/invoices/{invoice.pk}/">{invoice.number}</a>' in row
    assert "O&#x27;Brien &amp; Sons" in row
    assert "96.00 EUR" in row
    assert f'href="/credit-notes/{note.pk}/pdf/"' in row


def test_the_list_is_searched_by_number_invoice_or_client_and_filtered_by_client(
    as_owner: WebClient, owner: User
) -> None:
    globex = credit_some_of(factories.issued_invoice(owner), owner)
    initech_invoice = factories.issued_invoice(owner, for_client=factories.client("Initech"))
    initech = credit_some_of(initech_invoice, owner)

    def numbers(query: str) -> list[str]:
        page = as_owner.get(f"{LIST}?{query}").context["page"]
        return [note.number for note in page]

    assert numbers("") == [initech.number, globex.number]  # newest first
    assert numbers("q=initech") == [initech.number]
    assert numbers(f"q={globex.number}") == [globex.number]
    assert numbers(f"q={initech_invoice.number}") == [initech.number]
    assert numbers(f"client={initech_invoice.client_id}") == [initech.number]
    of_globex = as_owner.get(f"{LIST}?client={globex.invoice.client_id}").content.decode()
    assert "Showing the credit notes of <a" in of_globex


def test_a_bad_filter_value_is_shown_beside_its_field(as_owner: WebClient) -> None:
    response = as_owner.get(f"{LIST}?date_from=yesterday")
    assert response.status_code == 200
    assert "Enter a valid date." in response.content.decode()


def test_the_list_is_paged_by_25(as_owner: WebClient) -> None:
    add_credit_notes(26, factories.client())
    first = as_owner.get(LIST).content.decode()
    assert "Page 1 of 2 · 26 in all" in first
    assert first.count("CN-BULK-") == 25
    assert as_owner.get(f"{LIST}?page=2").content.decode().count("CN-BULK-") == 1


def test_an_empty_list_says_how_credit_notes_are_made(as_owner: WebClient) -> None:
    assert "issue one from an invoice" in as_owner.get(LIST).content.decode()


def test_the_list_costs_the_same_queries_with_2_or_40_credit_notes(
    as_owner: WebClient, owner: User
) -> None:
    client = factories.client("Bulk client")
    add_credit_notes(2, client)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_owner.get(url).status_code == 200
        return len(captured)

    urls = [LIST, f"{LIST}?q=bulk", f"{LIST}?client={client.pk}&date_from=2025-01-01"]
    few = {url: queries(url) for url in urls}
    add_credit_notes(38, factories.client("Other client"))
    many = {url: queries(url) for url in urls}
    assert many == few


def test_the_main_navigation_links_to_the_credit_notes(as_colleague: WebClient) -> None:
    html = as_colleague.get(reverse("billing:invoices")).content.decode()
    assert f'<a href="{LIST}">Credit notes</a>' in html
    assert (
        f'<a href="{LIST}" aria-current="page">Credit notes</a>'
        in as_colleague.get(LIST).content.decode()
    )
