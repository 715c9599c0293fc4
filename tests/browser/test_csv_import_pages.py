"""Importing clients in Chromium: labelled columns, the job's page refreshing to its result."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client
from invoicetron.reports import jobs
from invoicetron.reports.models import ImportRun
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("job_tables"),
]
CLIENTS = (
    b"Company,E-mail,Terms\n"
    b"Globex Corporation,ap@globex.example,30\n"
    b"Initech,ap@initech.example,15\n"
)


def test_a_client_file_is_matched_checked_and_imported_while_the_page_follows_the_worker(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    page.set_default_timeout(15_000)
    factories.client("Globex Corporation")
    sign_in(page, base)
    page.goto(f"{base}/data/")
    page.get_by_label("What the file holds").select_option("clients")
    page.get_by_label("CSV file").set_input_files(
        {"name": "clients.csv", "mimeType": "text/csv", "buffer": CLIENTS}
    )
    page.get_by_role("button", name="Upload and map columns").click()

    page.get_by_label("Payment terms (days)").select_option("Terms")
    assert page.get_by_label("Name (required)").input_value() == "Company"
    page.get_by_label("Records that already exist").select_option("skip")
    screenshot(page, "csv-import-01-columns")
    page.get_by_role("button", name="Dry run").click()
    page.get_by_text("Dry run: waiting for the worker").wait_for()
    screenshot(page, "csv-import-02-waiting")

    run = ImportRun.objects.get()
    # The worker's job body, run here: asyncio.run() cannot run beside Playwright's loop. The
    # page is not reloaded: its own refresh brings the result.
    jobs.perform(run.pk, commit=False)
    page.get_by_text("1 client will be created").wait_for()
    assert "1 client already exists and will be skipped" in page.inner_text("main")
    screenshot(page, "csv-import-03-dry-run")

    page.get_by_role("button", name="Import clients").click()
    page.get_by_text("Import: waiting for the worker").wait_for()
    jobs.perform(run.pk, commit=True)
    page.get_by_text("Imported 1 client; 1 client already exists and was skipped").wait_for()
    screenshot(page, "csv-import-04-imported")
    assert Client.objects.get(name="Initech").payment_terms_days == 15


def test_a_file_full_of_errors_shows_a_short_summary_in_the_browser(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    page.set_default_timeout(15_000)
    sign_in(page, base)
    rows = b"".join(b"Client %d,c%d@example.com,30 days,extra\n" % (i, i) for i in range(5_000))
    page.goto(f"{base}/data/")
    page.get_by_label("What the file holds").select_option("clients")
    page.get_by_label("CSV file").set_input_files(
        {"name": "bad.csv", "mimeType": "text/csv", "buffer": b"Name,Email,Terms\n" + rows}
    )
    page.get_by_role("button", name="Upload and map columns").click()
    page.get_by_label("Payment terms (days)").select_option("Terms")
    page.get_by_role("button", name="Dry run").click()
    jobs.perform(ImportRun.objects.get().pk, commit=False)
    page.get_by_text("5,000 rows have errors").wait_for()
    assert "Clients · 5,000 of 5,000 rows" in page.inner_text("main")
    assert page.locator("table").nth(1).locator("tbody tr").count() == 100
    page.get_by_text("and 4,900 more rows with errors").wait_for()
    assert not page.get_by_role("button", name="Import clients").count()
    screenshot(page, "csv-import-05-errors")
