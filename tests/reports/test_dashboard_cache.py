"""The dashboard reuses its figures only while nothing in billing changed, whoever changes it.

The data is committed (transaction=True): figures read inside a transaction that has written are
never kept, so in a test transaction nothing would be reused.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import caching, services
from invoicetron.billing.models import OPEN_STATUSES, Client
from invoicetron.reports.dashboard import build_dashboard
from tests.fixtures.books import books
from tests.fixtures.processes import shared_database_url

pytestmark = pytest.mark.django_db(transaction=True)


def test_figures_are_reused_until_a_change_and_never_stale(owner: User) -> None:
    data = books(owner)
    first = build_dashboard()
    with CaptureQueriesContext(connection) as again:
        assert build_dashboard() == first
    caches[caching.CACHE].clear()  # as a new process
    with CaptureQueriesContext(connection) as fresh_count:
        build_dashboard()
    assert len(again) < len(fresh_count)

    unpaid = next(i for i in data.invoices if i.status in OPEN_STATUSES and i.balance_due > 0)
    services.record_payment(unpaid, amount=Decimal("1"), by=owner)
    paid = build_dashboard()
    assert paid.outstanding < first.outstanding
    assert paid.recent_events[0].action == "payment"

    initech = Client.objects.get(name="Initech")
    assert "Initech" in {row["client__name"] for row in paid.top_clients}
    initech.name = "Initech Renamed"
    services.save_record(initech, by=owner)
    names = {row["client__name"] for row in build_dashboard().top_clients}
    assert "Initech Renamed" in names and "Initech" not in names


def test_a_rename_in_raw_sql_elsewhere_shows_on_the_next_dashboard_page(owner: User) -> None:
    books(owner)
    web = WebClient()
    web.force_login(owner)

    def top_client_names() -> set[str]:
        page = web.get(reverse("reports:dashboard"))
        return {row["client__name"] for row in page.context["dash"].top_clients}

    assert "Initech" in top_client_names()
    with CaptureQueriesContext(connection) as again:
        assert "Initech" in top_client_names()
    assert not any("SUM(" in query["sql"].upper() for query in again.captured_queries)

    # No audit event, no service: only the trigger on billing_client knows.
    with psycopg.connect(shared_database_url(), autocommit=True) as elsewhere:
        elsewhere.execute("UPDATE billing_client SET name = 'Initech SQL' WHERE name = 'Initech'")

    names = top_client_names()
    assert "Initech SQL" in names and "Initech" not in names
