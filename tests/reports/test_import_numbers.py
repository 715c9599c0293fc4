"""Imported invoice numbers are bounded: no import can exhaust a series or skip far ahead."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, NumberCounter
from tests.fixtures import factories
from tests.reports.importing import commit, dry_run

pytestmark = pytest.mark.usefixtures("job_tables")

HEADER = "Invoice number,Customer,Date,Description,Qty,Price,Tax,Status\n"


@pytest.fixture
def signed_in(owner: User, client: HttpClient) -> HttpClient:
    factories.business()
    factories.client("Globex Corporation")
    client.force_login(owner)
    return client


def test_a_number_at_the_end_of_the_counters_range_is_refused_with_the_bound(
    signed_in: HttpClient, owner: User
) -> None:
    content = HEADER + "INV-2026-2147483647,Globex Corporation,2026-03-01,Audit,1,100,,issued\n"
    page, _url = dry_run(signed_in, "invoices", content.encode())
    assert (
        "INV-2026-2147483647 is 2,147,483,647 numbers past the last number used in the series "
        "“Invoices” (0): an import may move a series on by at most 1,000,000 numbers."
    ) in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert not Invoice.objects.exists()
    draft = factories.draft(owner)
    issued = services.issue_invoice(draft, by=owner, issue_date=draft.issue_date)
    assert issued.sequence == 1, "the series goes on from where it was"


def test_numbers_within_the_bound_import_and_the_series_follows_them(
    signed_in: HttpClient, owner: User
) -> None:
    content = (
        HEADER
        + "INV-2026-1000000,Globex Corporation,2026-03-01,Audit,1,100,,issued\n"
        + "INV-2026-1000002,Globex Corporation,2026-03-02,Audit,1,100,,issued\n"
    )
    page, _url = dry_run(signed_in, "invoices", content.encode())
    assert "numbers past the last number" not in page
    commit(signed_in, page)
    assert NumberCounter.objects.get(period="2026").last_value == 1_000_002
    assert Invoice.objects.count() == 2
