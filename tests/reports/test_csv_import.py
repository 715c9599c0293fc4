from __future__ import annotations

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Client, Invoice, NumberCounter, Product, TaxRate
from invoicetron.reports.csvio.reader import FileRefused, RowError, parse
from invoicetron.reports.importers.runner import guess_mapping, run_import
from invoicetron.reports.importers.values import Options
from tests.fixtures import factories

pytestmark = pytest.mark.django_db

CLIENTS = (
    "Customer Name;E-mail;VAT number;Payment terms days\n"
    "Zoë Café;zoe@cafe.example;FR1;30\n"
    ";nobody@example.com;;\n"
    "Bad Terms;bt@example.com;;forever\n"
    "Zoë Café;again@cafe.example;;\n"
)
INVOICES = (
    "Invoice number,Customer,Date,Description,Qty,Price,Tax,Total\n"
    "INV-2025-0007,Globex Corporation,2025-03-01,Design,3,80,VAT 20,432.00\n"
    "INV-2025-0007,,,Licence,1,120,VAT 20,\n"
    "INV-2025-0009,Globex Corporation,2025-03-02,Audit,2,100,,999.99\n"
    "INV-2025-0010,Nobody Inc,2025-03-03,Audit,x,100,,\n"
    "F/2025/11,Globex Corporation,2025-03-04,Audit,1,100,,\n"
)


def dry_run(kind: str, text: str, owner: User, *, commit: bool = False) -> list[RowError]:
    parsed = parse(text.encode())
    mapping = guess_mapping(kind, parsed.header)
    return list(
        run_import(kind, parsed, mapping, options=Options(), by=owner, commit=commit).errors
    )


def test_a_dry_run_lists_every_rows_errors_with_row_column_and_message(owner: User) -> None:
    errors = dry_run("clients", CLIENTS, owner)
    assert [(e.row, e.column) for e in errors] == [
        (3, "Customer Name"),
        (4, "Payment terms days"),
        (5, "Customer Name"),
    ]
    assert errors[0].message == "This value is required."
    assert errors[1].message == "“forever” is not a number."
    assert errors[2].message == "“Zoë Café” is already on row 2."
    assert not Client.objects.exists(), "a dry run writes nothing"


def test_invoice_rows_are_checked_against_clients_numbers_and_totals(owner: User) -> None:
    factories.business()
    factories.client("Globex Corporation")
    errors = {(e.row, e.column): e.message for e in dry_run("invoices", INVOICES, owner)}
    assert errors[(4, "Total")] == "The file says 999.99; the invoice's lines give 200."
    assert errors[(5, "Customer")].startswith("No client named “Nobody Inc”")
    assert errors[(5, "Qty")] == "“x” is not a number."
    assert "INV-{YYYY}-{SEQ:4}" in errors[(6, "Invoice number")]
    assert (2, "Total") not in errors, "432.00 is right"
    assert not Invoice.objects.exists() and not TaxRate.objects.exists()


def test_a_commit_is_all_or_nothing_and_moves_the_counter_past_imported_numbers(
    owner: User,
) -> None:
    factories.business()
    globex = factories.client("Globex Corporation")
    assert dry_run("invoices", INVOICES, owner, commit=True)
    assert not Invoice.objects.exists(), "one bad row: nothing is written"
    good = "\n".join(INVOICES.splitlines()[:3]) + "\n"
    good += "INV-2025-0012,Globex Corporation,2025-03-09,Audit,2,100,,200.00\n"
    assert dry_run("invoices", good, owner, commit=True) == []
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [
        "INV-2025-0007",
        "INV-2025-0012",
    ]
    assert NumberCounter.objects.get(period="2025").last_value == 12
    imported = Invoice.objects.get(number="INV-2025-0007")
    assert imported.total == 432 and imported.lines.count() == 2
    draft = factories.draft(owner, for_client=globex, issue_date=imported.issue_date)
    assert services.issue_invoice(draft, by=owner).number == "INV-2025-0013"
    again = dry_run("invoices", good, owner)
    assert {e.message for e in again} == {
        "Invoice INV-2025-0007 already exists.",
        "Invoice INV-2025-0012 already exists.",
    }


def test_products_import_with_their_taxes_created_once(owner: User) -> None:
    text = 'name,unit_price,taxes,unit\nDesign,80,VAT 20%,hour\nBook,"12,5",VAT 5.5; VAT 20,\n'
    errors = dry_run("products", text, owner, commit=True)
    assert [(e.row, e.column) for e in errors] == [(3, "unit_price")]
    parsed = parse(text.encode())
    options = Options(decimal_comma=True)
    outcome = run_import(
        "products",
        parsed,
        guess_mapping("products", parsed.header),
        options=options,
        by=owner,
        commit=True,
    )
    assert not outcome.errors and outcome.created == {"tax rates": 2, "products": 2}
    assert Product.objects.get(name="Book").default_taxes.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest-of-a-workbook", "spreadsheet workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),
        (b"", "empty"),
        (b"name\n", "no data rows"),
        (b'name\n"' + b"x" * 200_000 + b'"\n', "malformed"),
        (b"a," * 150 + b"\n1\n", "columns"),
    ],
)
def test_hostile_files_are_refused_with_a_clear_reason(content: bytes, message: str) -> None:
    with pytest.raises(FileRefused, match=message):
        parse(content)


def test_windows_1252_utf16_ragged_rows_and_huge_cells_are_handled() -> None:
    latin = parse("name;email\nZoë Café;z@example.com\n".encode("cp1252"))
    assert latin.encoding == "Windows-1252" and latin.rows[0][1][0] == "Zoë Café"
    wide = parse("name\tunit_price\nBook\t12\n".encode("utf-16"))
    assert wide.encoding == "UTF-16" and wide.delimiter == "\t"
    ragged = parse(b"name,email\nshort\nlong,a@b.c,extra\n,\nhuge," + b"y" * 20_000 + b"\n")
    assert ragged.rows == [(2, ["short", ""])]
    assert [(e.row, e.column) for e in list(ragged.errors)] == [(3, "(extra cells)"), (5, "email")]


def test_an_invoice_row_reports_every_bad_cell_at_once(owner: User) -> None:
    factories.business()
    factories.client("Globex Corporation")
    text = (
        "Invoice number,Customer,Date,Description,Qty,Price,Tax\n"
        "INV-2025-0007,Nobody Inc,2025-13-01,Design,three,80 EUR,VAT twenty\n"
    )
    errors = {(e.column, e.message) for e in dry_run("invoices", text, owner)}
    assert errors == {
        ("Customer", "No client named “Nobody Inc”: import the clients first."),
        ("Date", "“2025-13-01” is not a date like YYYY-MM-DD."),
        ("Qty", "“three” is not a number."),
        ("Price", "“80EUR” is not a number."),
        ("Tax", "“VAT twenty” is not a tax like “VAT 20”."),
    }
