from __future__ import annotations

import csv
import io

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.reports.csvio.writer import neutralise, restore
from tests.fixtures import factories
from tests.fixtures.books import books

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+33 1 23 45", "'+33 1 23 45"),
        ("-cmd", "'-cmd"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tindented", "'\tindented"),
        ("\rreturn", "'\rreturn"),
        ("'=already quoted", "''=already quoted"),
        ("-12.50", "-12.50"),
        ("Plain text", "Plain text"),
        ("", ""),
    ],
)
def test_formula_cells_are_neutralised_and_the_importer_restores_them(
    cell: str, written: str
) -> None:
    assert neutralise(cell) == written
    assert restore(written) == cell


def download(client: HttpClient, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_invoices_export_one_row_per_line_with_the_invoice_fields(
    owner: User, client: HttpClient
) -> None:
    data = books(owner)
    client.force_login(owner)
    content = download(client, "/data/export/invoices.csv")
    assert content.startswith(b"\xef\xbb\xbf"), "a byte-order mark by default, for Excel"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(rows) == sum(len((i.snapshot or {})["lines"]) for i in data.invoices)
    audit = next(row for row in rows if row["line_description"] == "Audit")
    assert audit["currency"] == "USD" and audit["exchange_rate"] == "0.9137"
    assert audit["line_taxes"] == "VAT 20" and audit["client"] == "Umbrella Ltd"
    assert {row["status"] for row in rows} >= {"paid", "partially_paid", "issued"}


def test_exports_can_leave_out_the_byte_order_mark_and_neutralise_hostile_names(
    owner: User, client: HttpClient
) -> None:
    factories.client("=cmd|' /C calc'!A0")
    factories.product("@SUM(1+1)")
    client.force_login(owner)
    clients = download(client, "/data/export/clients.csv?bom=0")
    assert clients.startswith(b"name,email")
    assert b"'=cmd|' /C calc'!A0" in clients
    assert b"'@SUM(1+1)" in download(client, "/data/export/products.csv")
    assert download(client, "/data/export/payments.csv").count(b"\r\n") == 1  # header only
    assert client.get("/data/export/secrets.csv").status_code == 404
