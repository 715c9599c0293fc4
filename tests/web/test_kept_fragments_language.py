"""A kept `{% cache %}` fragment is kept per language: the invoice list shown in German, then in
English, is not the German rows again (its pagination, web/_pagination.html, is in the fragment).

The data is committed (transaction=True): nothing read inside a transaction that has written is
kept, and a test that kept nothing would prove nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from invoicetron.accounts.models import User
from tests.fixtures import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """LocaleMiddleware leaves the cookie's language active in the thread: reset it."""
    yield
    translation.deactivate()


def invoice_list(web: WebClient) -> tuple[str, bool]:
    """The list page, and whether showing it read the invoices (False: the rows were kept)."""
    with CaptureQueriesContext(connection) as captured:
        response = web.get("/invoices/")
    assert response.status_code == 200
    read_rows = any('FROM "billing_invoice"' in q["sql"] for q in captured.captured_queries)
    return response.content.decode(), read_rows


def choose_language(web: WebClient, language: str) -> None:
    response = web.post("/accounts/settings/", {"full_name": "Olivia Owner", "language": language})
    assert response.status_code == 302


def test_the_invoice_list_in_german_then_english(owner: User) -> None:
    caches["fragments"].clear()
    factories.add_invoices(30)  # two pages: the page links are inside the kept fragment
    web = WebClient()
    web.force_login(owner)

    choose_language(web, "de")
    german, read_rows = invoice_list(web)
    assert read_rows
    assert "Seite 1 von 2 · 30 insgesamt" in german
    german_again, read_rows = invoice_list(web)
    assert not read_rows, "the German rows are kept"
    assert "Seite 1 von 2" in german_again

    choose_language(web, "en")
    english, read_rows = invoice_list(web)
    assert read_rows, "English has a fragment of its own"
    assert "Page 1 of 2 · 30 in all" in english
    assert "Seite" not in english and 'lang="en"' in english
    english_again, read_rows = invoice_list(web)
    assert not read_rows and "Page 1 of 2" in english_again

    choose_language(web, "de")
    assert "Seite 1 von 2" in invoice_list(web)[0]
