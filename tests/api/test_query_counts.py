"""An API list page costs the same number of queries however many items it holds."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.fixtures.api import Api
from tests.fixtures.factories import add_invoices


def queries(api: Api, path: str, **params: object) -> int:
    api.get(path, **params)  # as a live worker: the token's use recorded, the count kept
    with CaptureQueriesContext(connection) as captured:
        assert api.get(path, **params).status == 200
    return len(captured)


def test_invoice_list_queries_do_not_grow_with_the_page(api: Api) -> None:
    add_invoices(2)
    two = queries(api, "invoices", limit=100)
    add_invoices(98)
    hundred = queries(api, "invoices", limit=100)
    assert hundred == two <= 5, (two, hundred)
    assert queries(api, "invoices", limit=100, overdue="true") == two
    assert api.get("invoices", limit=100).body["count"] == 100
    first = api.get("invoices", limit=10).body
    assert queries(api, "invoices", limit=10, after=first["next_after"]) == two
