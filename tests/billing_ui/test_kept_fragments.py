"""The invoice list, the invoice page and the client page keep their billing parts while billing
data is unchanged (`{% cache %}` blocks keyed by billing's change marker), and show every change
on the next page, whoever makes it: here raw SQL on another connection.

These tests commit their data (transaction=True): nothing read inside a transaction that has
written is kept (its rows could still be rolled back).
"""

from __future__ import annotations

import re

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.fixtures.processes import shared_database_url

pytestmark = pytest.mark.django_db(transaction=True)

# The parts of a page that differ on every render, kept or not: the CSRF token is masked anew.
TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


def page(web: WebClient, url: str) -> str:
    response = web.get(url)
    assert response.status_code == 200
    return TOKENS.sub(r"\1…", response.content.decode())


def elsewhere(sql: str, *params: object) -> None:
    """`sql`, committed on a connection of its own (as another process would)."""
    with psycopg.connect(shared_database_url(), autocommit=True) as other:
        other.execute(sql, params)  # type: ignore[arg-type]


def reads(web: WebClient, url: str, table: str) -> bool:
    """Whether showing `url` reads `table`."""
    with CaptureQueriesContext(connection) as captured:
        assert web.get(url).status_code == 200
    return any(f'FROM "{table}"' in query["sql"] for query in captured.captured_queries)


def kept_until_the_client_is_renamed(web: WebClient, url: str, table: str, issued: Invoice) -> None:
    """`url`'s rows come from `table` once, are kept, and show the client renamed elsewhere."""
    assert reads(web, url, table)
    assert not reads(web, url, table), "the rows are kept"
    assert "Globex Corporation" in page(web, url)

    elsewhere("UPDATE billing_client SET name = 'Initech' WHERE id = %s", issued.client_id)

    shown = page(web, url)
    assert "Initech" in shown and "Globex Corporation" not in shown


@pytest.fixture
def issued(owner: User) -> Invoice:
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="10", by=owner)
    return invoice


def test_a_kept_page_is_the_page_rendered_afresh(as_owner: WebClient, issued: Invoice) -> None:
    for url in (
        "/invoices/",
        "/invoices/?page=2&q=glob",
        f"/invoices/{issued.pk}/",
        f"/clients/{issued.client_id}/",
    ):
        first = page(as_owner, url)
        kept = page(as_owner, url)
        caches["fragments"].clear()
        caches["billing"].clear()
        assert kept == first == page(as_owner, url), url


def test_the_list_reuses_its_rows_and_shows_a_change_from_another_connection(
    as_owner: WebClient, issued: Invoice
) -> None:
    kept_until_the_client_is_renamed(as_owner, "/invoices/", "billing_invoice", issued)


def test_the_invoice_page_reuses_its_payments_and_history_and_shows_a_new_payment(
    as_owner: WebClient, issued: Invoice
) -> None:
    url = f"/invoices/{issued.pk}/"
    assert reads(as_owner, url, "billing_payment")
    assert not reads(as_owner, url, "billing_payment"), "the payments are kept"
    assert not reads(as_owner, url, "billing_auditevent"), "the history is kept"
    assert "from elsewhere" not in page(as_owner, url)

    elsewhere(
        "INSERT INTO billing_payment (invoice_id, date, amount, method, reference, notes, "
        "created_at) VALUES (%s, '2026-01-02', 5, 'bank_transfer', 'from elsewhere', '', now())",
        issued.pk,
    )

    assert "from elsewhere" in page(as_owner, url)


def test_the_client_page_shows_a_new_address_from_another_connection(
    as_owner: WebClient, issued: Invoice
) -> None:
    url = f"/clients/{issued.client_id}/"
    assert "42 Main Street" in page(as_owner, url)
    assert not reads(as_owner, url, "billing_contact"), "the contacts are kept"
    assert not reads(as_owner, url, "billing_client"), "the client is kept"

    elsewhere(
        "UPDATE billing_client SET billing_address = '7 Elm Row' WHERE id = %s", issued.client_id
    )

    assert "7 Elm Row" in page(as_owner, url)


def test_a_page_read_while_another_write_is_in_progress_is_not_kept(
    as_owner: WebClient, issued: Invoice
) -> None:
    rename = "UPDATE billing_client SET name = 'Initech' WHERE id = %s"
    # The writer's trigger moves the marker at its UPDATE, before its commit: a page rendered in
    # between shows the old name under the new marker and must not be reused after the commit.
    with psycopg.connect(shared_database_url()) as writer:
        writer.execute(rename, [issued.client_id])
        assert "Globex Corporation" in page(as_owner, "/invoices/")
    # leaving the block commits

    assert "Initech" in page(as_owner, "/invoices/")


def test_the_invoice_page_keeps_the_invoice_itself_and_shows_a_renamed_client(
    as_owner: WebClient, issued: Invoice
) -> None:
    url = f"/invoices/{issued.pk}/"
    assert reads(as_owner, url, "billing_invoice")
    assert not reads(as_owner, url, "billing_invoice"), "the invoice is kept"
    assert "Globex Corporation</a></p>" in page(as_owner, url)

    elsewhere("UPDATE billing_client SET name = 'Initech' WHERE id = %s", issued.client_id)

    # The page's heading names the client as it is now (the document keeps the issued name).
    shown = page(as_owner, url)
    assert "Initech</a></p>" in shown and "Globex Corporation</a></p>" not in shown


def test_the_kept_invoice_page_reads_billings_and_messagings_markers_in_one_query(
    as_owner: WebClient, issued: Invoice
) -> None:
    url = f"/invoices/{issued.pk}/"
    page(as_owner, url)
    with CaptureQueriesContext(connection) as captured:
        assert as_owner.get(url).status_code == 200
    markers = [query["sql"] for query in captured if "change_marker()" in query["sql"]]
    assert len(markers) == 1
    assert "billing_change_marker()" in markers[0] and "messaging_change_marker()" in markers[0]


def test_the_client_page_keeps_its_credit_and_shows_new_credit(
    as_owner: WebClient, owner: User, issued: Invoice
) -> None:
    url = f"/clients/{issued.client_id}/"
    assert "No client credit." in page(as_owner, url)
    for table in ("billing_clientcreditbalance", "billing_creditentry"):
        assert not reads(as_owner, url, table), f"{table} is kept"

    second = factories.issued_invoice(owner, for_client=issued.client)
    services.record_payment(
        second, amount=second.balance_due + 25, by=owner, keep_excess_as_credit=True
    )

    shown = page(as_owner, url)
    assert "No client credit." not in shown
    assert 'id="credit-history"' in shown and "25.00" in shown
    assert 'name="refund-EUR-amount"' in shown, "the refund form is built for this request"


def test_the_credit_note_list_keeps_its_rows_and_shows_a_change_from_another_connection(
    as_owner: WebClient, owner: User, issued: Invoice
) -> None:
    line_id = issued.snapshot["lines"][0]["id"] if issued.snapshot else 0
    services.create_credit_note(issued, by=owner, lines=[services.CreditLine(line_id, "1")])
    kept_until_the_client_is_renamed(as_owner, "/credit-notes/", "billing_creditnote", issued)


def test_the_credit_note_filters_are_kept_per_address_with_their_values_and_errors(
    as_owner: WebClient,
) -> None:
    for _ in range(2):  # the second time kept
        assert 'value="Globex"' in page(as_owner, "/credit-notes/?q=Globex")
        assert 'value="Initech"' in page(as_owner, "/credit-notes/?q=Initech")
        refused = page(as_owner, "/credit-notes/?date_from=31.02.2026")
        assert 'class="errorlist"' in refused and 'value="31.02.2026"' in refused
        assert 'class="errorlist"' not in page(as_owner, "/credit-notes/?date_from=2026-02-01")
