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
        assert kept == first == page(as_owner, url), url


def test_the_list_reuses_its_rows_and_shows_a_change_from_another_connection(
    as_owner: WebClient, issued: Invoice
) -> None:
    assert reads(as_owner, "/invoices/", "billing_invoice")
    assert not reads(as_owner, "/invoices/", "billing_invoice"), "the rows are kept"
    assert "Globex Corporation" in page(as_owner, "/invoices/")

    elsewhere("UPDATE billing_client SET name = 'Initech' WHERE id = %s", issued.client_id)

    shown = page(as_owner, "/invoices/")
    assert "Initech" in shown and "Globex Corporation" not in shown


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
