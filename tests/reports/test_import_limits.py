"""Hostile and oversized CSV files through the import pages (issue 14: CSV import; issue 13).

Each file is uploaded, matched and dry-run through HTTP, the dry run in the real worker.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client
from tests.reports.importing import dry_run

pytestmark = pytest.mark.usefixtures("job_tables")


def refusal(client: HttpClient, content: bytes) -> str:
    response = client.post(
        "/data/", {"kind": "clients", "file": SimpleUploadedFile("x.csv", content)}
    )
    assert response.status_code == 200, "refused on the upload page, not accepted"
    return response.content.decode()


def test_a_header_of_120000_columns_is_refused_naming_the_column_limit(
    owner: User, client: HttpClient
) -> None:
    client.force_login(owner)
    page = refusal(client, b"a," * 119_999 + b"a\n1\n")  # 240 KB, as in the report
    assert "The first row has 120,000 columns; the limit is 100 columns." in page


def test_rows_with_extra_cells_count_against_the_row_limit(owner: User, client: HttpClient) -> None:
    client.force_login(owner)
    page = refusal(client, b"name,email\n" + b"Acme,a@acme.example,extra\n" * 200_000)  # 5 MB
    assert "The file has more than 20,000 rows" in page


def test_thousands_of_bad_rows_give_a_short_summarised_error_list(
    owner: User, client: HttpClient
) -> None:
    client.force_login(owner)
    rows = b"".join(b"Client %d,c%d@example.com,extra\n" % (i, i) for i in range(20_000))
    page, _url = dry_run(client, "clients", b"name,email\n" + rows)
    assert "20,000 rows have errors" in page
    assert "and 19,900 more rows with errors" in page
    assert "The row has 3 cells; the header has 2." in page
    assert page.count("<tr") < 120, "the first 100 errors and a short summary, not 20,000 rows"
    assert len(page.encode()) < 100_000
    assert not Client.objects.exists()


def test_a_row_with_three_problems_shows_all_three(owner: User, client: HttpClient) -> None:
    client.force_login(owner)
    content = (
        "name,email,payment_terms_days,currency,archived\n"
        "Acme,ap@acme.example,forever,EURO,maybe\n"
        "Initech,ap@initech.example,30,EUR,no\n"
    )
    page, _url = dry_run(client, "clients", content.encode())
    assert "“forever” is not a number." in page
    assert "EURO&#x27; is not an ISO 4217 currency code" in page
    assert "“maybe” is not yes or no." in page
    assert "1 row has errors" in page
