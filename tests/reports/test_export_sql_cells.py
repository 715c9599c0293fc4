"""The SQL cells of the COPY exports (reports/csvio/sqlcsv.py) give the bytes of the Python rules.

Each rule is run by PostgreSQL on values the equivalence tests' books cannot hold (amounts with
more digits than their currency, ties, negatives that round to zero, cells that are almost
numbers or formulas) and compared with what `exports.amount`, `writer.neutralise` and csv.writer
make of the same values.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection

from invoicetron.billing.formatting import plain as number
from invoicetron.reports.csvio.exports import amount
from invoicetron.reports.csvio.sqlcsv import Cell, MinorPlaces, Money, Number, copy_csv
from invoicetron.reports.csvio.writer import neutralise

pytestmark = pytest.mark.django_db

AMOUNTS = [
    "0", "0.0000", "1", "-1", "12.5", "0.5", "1.5", "2.5", "-0.5", "-2.5", "0.005", "0.015",
    "0.025", "-0.005", "-0.0049", "-0.004", "-0.0001", "1234.5675", "1234.5665", "-1234.5675",
    "99999999999999.9999", "0.0005", "0.0015", "-0.0015", "10.12", "7.1234",
]  # fmt: skip
CURRENCIES = ["JPY", "EUR", "BHD", "USD", "CLF"]
TEXTS = [
    "", "plain", "=1+1", "+1", "-1", "-12.50", "-12.", "-.5", "-1.2.3", "-12\n", "-12\n\n",
    "-12\r\n", "-١٢", "-٣.٤", "-", "=", "@", "'", "''", "'=x", "''=x", "'-1", "'a", "\tx",
    "\rx", "x\r", "a,b", 'say "hi"', '"', "line\nbreak", " lead", "trail ", "\\.", "NULL",
    "Ærøskøbing — 東京 🚀", "0042", "1e5", "-1e5", "--1", "-+1", "- 1",
]  # fmt: skip


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def select(sql: str) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize("currency", CURRENCIES)
def test_money_cells_are_the_amounts_python_writes(currency: str) -> None:
    for value in AMOUNTS:
        sql = Money.sql(f"{literal(value)}::numeric", MinorPlaces.sql(literal(currency)))
        assert select(f"SELECT {sql}") == amount(Decimal(value), currency), (value, currency)


def test_number_cells_are_the_numbers_python_writes() -> None:
    for value in [*AMOUNTS, "100", "1.0825000000", "0.0061000000", "20.00"]:
        sql = Number.sql(f"{literal(value)}::numeric")
        assert select(f"SELECT {sql}") == number(Decimal(value)), value


def test_text_cells_are_written_as_csv_writer_writes_them() -> None:
    rows = [[text, text[::-1], "last"] for text in TEXTS] + [["", "", ""]]
    selects = " UNION ALL ".join(
        f"SELECT {position} AS position, " + ", ".join(Cell.sql(literal(cell)) for cell in row)
        for position, row in enumerate(rows)
    )
    sql = f"SELECT c1, c2, c3 FROM ({selects}) cells(position, c1, c2, c3) ORDER BY position"  # noqa: S608 - literals made here
    expected = io.StringIO()
    csv.writer(expected).writerows([neutralise(cell) for cell in row] for row in rows)
    written = b"".join(copy_csv(sql, header=b""))
    assert written.decode("utf-8") == expected.getvalue()


@pytest.mark.django_db(transaction=True)  # as a streamed response runs: in autocommit
def test_the_copy_runs_without_memoize_and_leaves_the_connection_as_it_was() -> None:
    # Memoize never hits in an export (each key is looked up once) and only costs: see copy_csv.
    sql = "SELECT current_setting('enable_memoize')"
    assert b"".join(copy_csv(sql, header=b"")).strip() == b"off"
    assert select("SHOW enable_memoize") == "on"
