"""The invoice list's count is reused while nothing changed, and follows every change at once."""

from __future__ import annotations

from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from tests.fixtures import factories
from tests.fixtures.factories import add_invoices


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
