"""The invoice list's count is reused while nothing changed, and follows every change at once,
whoever makes it: a service, a bulk insert, or raw SQL on another connection.

These tests commit their data (transaction=True): a count read inside a transaction that has
written is never kept (its rows could still be rolled back), so in a test transaction nothing
would be reused.
"""

from __future__ import annotations

import contextlib

import psycopg
import pytest
from django.db import connection, transaction
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from tests.fixtures import factories
from tests.fixtures.factories import add_invoices
from tests.fixtures.processes import shared_database_url

pytestmark = pytest.mark.django_db(transaction=True)
MOVE_CLIENT = "UPDATE billing_invoice SET client_id = %s WHERE id = %s"


def shown_count(web: WebClient, **params: str) -> int:
    return int(web.get(reverse("billing:invoices"), params).context["page"].paginator.count)


def test_the_count_follows_new_and_deleted_drafts(as_owner: WebClient, owner: User) -> None:
    add_invoices(30)
    assert shown_count(as_owner) == 30
    with CaptureQueriesContext(connection) as again:
        assert shown_count(as_owner) == 30
    assert not any("COUNT(*)" in query["sql"] for query in again.captured_queries)

    draft = factories.draft(owner)
    assert shown_count(as_owner) == 31
    assert shown_count(as_owner, status="draft") == 1
    services.delete_draft(draft, by=owner)
    assert shown_count(as_owner) == 30
    assert shown_count(as_owner, status="draft") == 0
    add_invoices(2)
    assert shown_count(as_owner) == 32


def per_client(web: WebClient, *clients: int) -> list[int]:
    """The list's count filtered by each of `clients`."""
    return [shown_count(web, client=str(client)) for client in clients]


@pytest.fixture
def draft_and_other_client(owner: User) -> tuple[int, int, int]:
    """(a draft's id, its client's id, another client's id), committed."""
    draft = factories.draft(owner)
    return draft.pk, draft.client_id, factories.client("Initech").pk


def test_raw_sql_from_another_connection_shows_on_the_next_page(
    as_owner: WebClient, draft_and_other_client: tuple[int, int, int]
) -> None:
    draft, first, other = draft_and_other_client
    assert per_client(as_owner, first, other) == [1, 0]

    with psycopg.connect(shared_database_url(), autocommit=True) as elsewhere:
        elsewhere.execute(MOVE_CLIENT, [other, draft])

    assert per_client(as_owner, first, other) == [0, 1]


def test_a_count_read_while_another_write_is_in_progress_is_not_kept(
    as_owner: WebClient, draft_and_other_client: tuple[int, int, int]
) -> None:
    draft, first, other = draft_and_other_client
    assert per_client(as_owner, first, other) == [1, 0]

    # The writer's trigger moves the marker at its UPDATE, before its commit: a count read in
    # between sees the old rows under the new marker, and must not be reused after the commit.
    with psycopg.connect(shared_database_url()) as writer:
        writer.execute(MOVE_CLIENT, [other, draft])
        assert per_client(as_owner, first, other) == [1, 0]
    # leaving the block commits

    assert per_client(as_owner, first, other) == [0, 1]


def test_a_count_that_saw_rows_later_rolled_back_is_not_kept(as_owner: WebClient) -> None:
    add_invoices(3)
    assert shown_count(as_owner) == 3
    with contextlib.suppress(RuntimeError), transaction.atomic():
        add_invoices(2)
        assert shown_count(as_owner) == 5
        raise RuntimeError("roll back the two invoices")
    assert shown_count(as_owner) == 3
