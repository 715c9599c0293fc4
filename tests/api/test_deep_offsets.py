"""Deep `offset` paging through HTTP: the items OFFSET gave, their ids read first from the
primary key index (web.lists.rows_between), so offset 99,000 no longer builds 99,000 rows."""

from __future__ import annotations

from typing import Any

from django.db import connection

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client, Invoice, InvoiceStatus
from invoicetron.web import lists
from tests.fixtures import factories
from tests.fixtures.api import Api


def test_a_deep_offset_gives_the_items_offset_gave_read_by_id(api: Api, owner: User) -> None:
    factories.business()
    factories.add_invoices(1600)
    ids = list(Invoice.objects.order_by("id").values_list("id", flat=True))
    api.get("invoices", limit=1)  # as a live worker: the token's use recorded, the count kept
    statements: list[str] = []

    def record(execute: Any, sql: str, *args: Any) -> Any:
        statements.append(sql)
        return execute(sql, *args)

    with connection.execute_wrapper(record):
        answer = api.get("invoices", limit=50, offset=1500)
    assert answer.status == 200, answer.body
    assert [item["id"] for item in answer.body["items"]] == ids[1500:1550]
    assert answer.body["count"] == 1600 and answer.body["offset"] == 1500
    assert answer.body["next_after"] == ids[1549]
    assert answer.body["items"][0] == api.get("invoices", limit=1, after=ids[1499]).body["items"][0]
    by_offset = [sql for sql in statements if "OFFSET" in sql]
    assert len(by_offset) == 1 and by_offset[0].startswith('SELECT "billing_invoice"."id" AS "pk"')
    last = api.get("invoices", limit=50, offset=1580).body
    assert [item["id"] for item in last["items"]] == ids[1580:]
    assert last["next_after"] is None
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
