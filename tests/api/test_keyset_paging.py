"""Keyset paging (`after`/`next_after`): every item exactly once while others are added."""

from __future__ import annotations

from invoicetron.accounts.models import User
from tests.fixtures import factories
from tests.fixtures.api import Api


def test_paging_with_after_returns_every_invoice_once_while_invoices_are_added(
    api: Api, owner: User
) -> None:
    factories.business()
    client = factories.client()
    before = [factories.draft(owner, for_client=client).pk for _ in range(7)]
    added = []
    seen: list[int] = []
    after = None
    while True:
        params = {"limit": 3} if after is None else {"limit": 3, "after": after}
        answer = api.get("invoices", **params)
        assert answer.status == 200, answer.body
        seen += [item["id"] for item in answer.body["items"]]
        # Between two pages someone else adds an invoice: it goes after every id already read.
        if len(added) < 3:
            added.append(factories.draft(owner, for_client=client).pk)
        after = answer.body["next_after"]
        if after is None:
            break
    assert len(seen) == len(set(seen)), "no invoice twice"
    assert set(before) <= set(seen), "every invoice there from the start"
    assert seen == sorted(before + added), "and, by id, those added while paging"


def test_offset_paging_still_works_and_says_where_to_go_next(api: Api, owner: User) -> None:
    factories.business()
    client = factories.client()
    ids = [factories.draft(owner, for_client=client).pk for _ in range(5)]
    first = api.get("invoices", limit=2, offset=2).body
    assert [item["id"] for item in first["items"]] == ids[2:4]
    assert first["count"] == 5 and first["next_after"] == ids[3]
    last = api.get("invoices", limit=2, after=ids[3]).body
    assert [item["id"] for item in last["items"]] == ids[4:]
    assert last["next_after"] is None and last["count"] == 5


def test_after_and_offset_together_are_refused(api: Api, owner: User) -> None:
    answer = api.get("invoices", after=1, offset=5)
    assert answer.status == 422
    assert "Use either `after` or `offset`, not both." in str(answer.body)


def test_other_lists_page_with_after_too(api: Api, owner: User) -> None:
    names = [factories.client(f"Client {i}").pk for i in range(3)]
    answer = api.get("clients", limit=2, after=names[0]).body
    assert [item["id"] for item in answer["items"]] == names[1:]
