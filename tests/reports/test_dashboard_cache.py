"""The dashboard reuses its figures only while nothing in billing changed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import OPEN_STATUSES, Client
from invoicetron.reports import dashboard
from invoicetron.reports.dashboard import build_dashboard
from tests.fixtures.books import books

pytestmark = pytest.mark.django_db


def test_figures_are_reused_until_a_change_and_never_stale(owner: User) -> None:
    data = books(owner)
    first = build_dashboard()
    with CaptureQueriesContext(connection) as again:
        assert build_dashboard() == first
    dashboard._last = None  # as a new process
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
