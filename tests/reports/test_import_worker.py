"""A legal 20,000-row invoice file: dry run and commit run in the worker, the page shows progress.

Issue 14 (CSV import): the dry run ran the whole import inside a GET request, so such a file
timed out. Now each step is a job; the page refreshes itself until the worker is done.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Invoice
from invoicetron.reports.csvio.reader import parse
from invoicetron.reports.importers.runner import guess_mapping
from tests.fixtures import factories
from tests.reports.importing import commit, match_columns, upload

pytestmark = pytest.mark.usefixtures("job_tables")
INVOICES, LINES = 500, 40


def invoice_file() -> bytes:
    rows = ["number,client,issue_date,line_description,line_quantity,line_unit_price"]
    for invoice in range(1, INVOICES + 1):
        for line in range(1, LINES + 1):
            rows.append(f"INV-2025-{invoice:04},Globex Corporation,2025-03-01,Work {line},1,10")
    return ("\n".join(rows) + "\n").encode()


@pytest.fixture
def progress_log() -> None:
    """Every progress figure the import's page could show, as committed (seen by other readers)."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE test_progress (rows_done integer)")
        cursor.execute(
            "CREATE FUNCTION test_log_progress() RETURNS trigger LANGUAGE plpgsql AS $$"
            " BEGIN INSERT INTO test_progress VALUES (NEW.rows_done); RETURN NEW; END $$"
        )
        cursor.execute(
            "CREATE TRIGGER test_progress AFTER UPDATE OF rows_done ON reports_importrun"
            " FOR EACH ROW EXECUTE FUNCTION test_log_progress()"
        )


def logged_progress() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rows_done FROM test_progress")
        return [row[0] for row in cursor.fetchall()]


# A guard for a long test (two passes over 500 invoices through the billing services), not an
# assertion: the default of 300 s is too close on a loaded two-core machine.
@pytest.mark.slow
@pytest.mark.timeout(900)
def test_20000_invoice_rows_are_checked_and_imported_by_the_worker_with_progress(
    owner: User, client: HttpClient, progress_log: None
) -> None:
    factories.business()
    factories.client("Globex Corporation")
    client.force_login(owner)
    content = invoice_file()
    columns_url = upload(client, "invoices", content, "invoices.csv")
    page_url = match_columns(client, columns_url, guess_mapping("invoices", parse(content).header))

    waiting = client.get(page_url).content.decode()
    assert '<meta http-equiv="refresh"' in waiting
    assert "Dry run: waiting for the worker" in waiting and "0 of 20,000 rows" in waiting

    run_worker(once=True)
    checked = client.get(page_url).content.decode()
    assert "20,000 of 20,000 rows" in checked and "No errors." in checked
    assert "500 invoices will be created" in checked
    assert '<meta http-equiv="refresh"' not in checked
    progress = logged_progress()
    assert any(0 < done < 20_000 for done in progress), "progress was visible while it ran"
    assert not Invoice.objects.exists(), "a dry run writes nothing"

    done = commit(client, checked)
    assert "Imported 500 invoices" in done
    assert Invoice.objects.count() == INVOICES
    assert Invoice.objects.get(number="INV-2025-0500").lines.count() == LINES
