"""The quote list's count is reused while nothing changed and follows every change to quotes
(their table moves billing's change marker, quotes migration 0004). The data are committed
(transaction=True): a count read in a transaction that has written is never kept."""

from __future__ import annotations

import psycopg
import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.quotes.models import Quote
from tests.fixtures.list_data import add_documents
from tests.fixtures.processes import shared_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def shown_count(web: WebClient, **params: str) -> int:
    return int(web.get("/quotes/", params).context["page"].paginator.count)


def test_the_quote_count_is_kept_and_follows_changes(as_owner: WebClient, owner: User) -> None:
    add_documents(per_client=6)  # 30 quotes
    assert shown_count(as_owner) == 30
    with CaptureQueriesContext(connection) as again:
        assert shown_count(as_owner) == 30
    assert not any("COUNT(*)" in query["sql"] for query in again.captured_queries)
    Quote.objects.filter(pk=Quote.objects.order_by("id").values("pk")[:1]).delete()
    assert shown_count(as_owner) == 29
    assert shown_count(as_owner, status="draft") == Quote.objects.filter(status="draft").count()


def test_the_quote_rows_are_kept_and_show_a_change_made_elsewhere(
    as_owner: WebClient, owner: User
) -> None:
    add_documents(per_client=2)
    first = Quote.objects.order_by("-issue_date", "-id").select_related("client").first()
    assert first is not None
    assert first.client.name in as_owner.get("/quotes/").content.decode()
    with CaptureQueriesContext(connection) as again:
        assert as_owner.get("/quotes/").status_code == 200
    assert not any('FROM "quotes_quote"' in query["sql"] for query in again.captured_queries)

    with psycopg.connect(shared_database_url(), autocommit=True) as other:
        other.execute("UPDATE billing_client SET name = 'Initech' WHERE id = %s", [first.client_id])

    assert "Initech" in as_owner.get("/quotes/").content.decode()


def test_the_quote_filters_are_kept_per_address_with_their_values(as_owner: WebClient) -> None:
    for _ in range(2):  # the second time kept
        sent = as_owner.get("/quotes/?status=sent&q=Globex").content.decode()
        assert 'value="Globex"' in sent and '<option value="sent" selected>' in sent
        drafts = as_owner.get("/quotes/?status=draft").content.decode()
        assert '<option value="draft" selected>' in drafts and 'value="Globex"' not in drafts
