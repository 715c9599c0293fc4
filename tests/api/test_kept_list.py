"""The invoice list keeps each page it answered while billing data is unchanged
(billing.caching): a repeated request reads no invoice, and any change to billing data, whoever
makes it (here raw SQL on another connection), is in the next answer.

These tests commit their data (transaction=True): nothing read inside a transaction that has
written is kept (its rows could still be rolled back).
"""

from __future__ import annotations

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.billing import services
from tests.fixtures import factories
from tests.fixtures.api import Api
from tests.fixtures.processes import shared_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def reads_invoices(api: Api, **params: object) -> bool:
    with CaptureQueriesContext(connection) as captured:
        assert api.get("invoices", **params).status == 200
    return any('FROM "billing_invoice"' in query["sql"] for query in captured)


def elsewhere(sql: str, *params: object) -> None:
    with psycopg.connect(shared_database_url(), autocommit=True) as other:
        other.execute(sql, params)  # type: ignore[arg-type]


def test_a_kept_page_reads_no_invoice_and_shows_a_change_made_elsewhere(
    api: Api, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    factories.issued_invoice(owner)
    assert reads_invoices(api, limit=1)
    assert not reads_invoices(api, limit=1), "the page is kept"
    assert reads_invoices(api, limit=2), "another page is another entry"
    first = api.get("invoices", limit=1).body
    assert first["count"] == 2 and first["items"][0]["amount_paid"] == "0.00"

    elsewhere("UPDATE billing_client SET name = name WHERE id = %s", invoice.client_id)
    assert reads_invoices(api, limit=1), "any billing write moves the marker"

    services.record_payment(invoice, amount="10", by=owner)
    after = api.get("invoices", limit=1).body
    assert after["items"][0]["amount_paid"] == "10.00"
    assert after["items"][0]["status"] == "partially_paid"


def test_the_kept_page_answers_as_the_page_read_afresh(api: Api, owner: User) -> None:
    for _ in range(3):
        factories.issued_invoice(owner)
    api.get("invoices", limit=2, offset=0)
    api.get("invoices", limit=2, offset=2)
    assert not reads_invoices(api, limit=2, offset=2)
    kept = [api.get("invoices", limit=2, offset=offset).body for offset in (0, 2)]
    caches["billing"].clear()
    assert [api.get("invoices", limit=2, offset=offset).body for offset in (0, 2)] == kept
    assert [item["id"] for item in kept[0]["items"] + kept[1]["items"]] == sorted(
        item["id"] for item in kept[0]["items"] + kept[1]["items"]
    )
