"""Deep `offset` paging through HTTP: the items OFFSET gave, their ids read first from the
primary key index (web.lists.rows_between), so offset 99,000 no longer builds 99,000 rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client, Invoice, InvoiceStatus
from invoicetron.web import lists
from tests.fixtures import factories
from tests.fixtures.api import Api


def recorded(run: Any) -> tuple[Any, list[str]]:
    """run()'s result and the SQL statements it ran."""
    statements: list[str] = []

    def record(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        return run(), statements


def test_a_deep_offset_gives_the_items_offset_gave_read_by_id(
    api: Api, owner: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lists, "DEEP_ROWS", 100)
    factories.business()
    factories.add_invoices(1600)
    ids = list(Invoice.objects.order_by("id").values_list("id", flat=True))
    api.get("invoices", limit=1)  # as a live worker: the token's use recorded, the count kept
    answer, statements = recorded(lambda: api.get("invoices", limit=50, offset=500))
    assert answer.status == 200, answer.body
    assert [item["id"] for item in answer.body["items"]] == ids[500:550]
    assert answer.body["count"] == 1600 and answer.body["offset"] == 500
    assert answer.body["next_after"] == ids[549]
    assert answer.body["items"][0] == api.get("invoices", limit=1, after=ids[499]).body["items"][0]
    by_offset = [sql for sql in statements if "OFFSET" in sql]
    assert len(by_offset) == 1 and by_offset[0].startswith('SELECT "billing_invoice"."id" AS "pk"')


def test_an_offset_past_the_middle_is_read_from_the_end(api: Api, owner: User) -> None:
    factories.business()
    factories.add_invoices(1600)
    ids = list(Invoice.objects.order_by("id").values_list("id", flat=True))
    api.get("invoices", limit=1)  # the count kept, as on a live worker
    answer, statements = recorded(lambda: api.get("invoices", limit=50, offset=1500))
    assert answer.status == 200, answer.body
    assert [item["id"] for item in answer.body["items"]] == ids[1500:1550]
    assert answer.body["count"] == 1600 and answer.body["next_after"] == ids[1549]
    assert answer.body["items"][0] == api.get("invoices", limit=1, after=ids[1499]).body["items"][0]
    # 50 rows skipped backwards (1600 - 1550), not 1,500 forwards.
    by_offset = [sql for sql in statements if "OFFSET" in sql]
    assert len(by_offset) == 1 and by_offset[0].endswith("DESC LIMIT 50 OFFSET 50"), by_offset
    for offset in (1580, 1599, 801):  # a short last page, the last item, just past the middle
        page = api.get("invoices", limit=50, offset=offset).body
        assert [item["id"] for item in page["items"]] == ids[offset : offset + 50], offset
    last = api.get("invoices", limit=50, offset=1580).body
    assert last["next_after"] is None
    assert api.get("invoices", offset=1600).body["items"] == []
    assert api.get("invoices", offset=5000).body["items"] == []


def test_a_deep_offset_keeps_the_filters(api: Api, owner: User) -> None:
    factories.business()
    factories.add_invoices(3300)  # a third of them partly paid
    partly = Invoice.objects.filter(status=InvoiceStatus.PARTIALLY_PAID).order_by("id")
    ids = list(partly.values_list("id", flat=True))
    assert len(ids) > lists.DEEP_ROWS + 20
    answer = api.get("invoices", status="partially_paid", limit=20, offset=lists.DEEP_ROWS)
    assert answer.status == 200, answer.body
    got = [item["id"] for item in answer.body["items"]]
    assert got == ids[lists.DEEP_ROWS : lists.DEEP_ROWS + 20]
    assert answer.body["count"] == len(ids)


def test_every_list_pages_by_offset_as_before_when_read_by_id(
    api: Api, owner: User, monkeypatch: object
) -> None:
    monkeypatch.setattr(lists, "DEEP_ROWS", 0)  # type: ignore[attr-defined]
    names = [factories.client(f"Client {n}").pk for n in range(7)]
    assert Client.objects.count() == 7
    for offset in range(8):
        answer = api.get("clients", limit=3, offset=offset).body
        assert [item["id"] for item in answer["items"]] == sorted(names)[offset : offset + 3]
