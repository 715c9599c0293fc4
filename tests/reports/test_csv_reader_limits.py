"""The CSV reader reads line by line and checks every limit as it goes (issue 14: CSV import).

The readers here are generators that fail the test if the reader asks for more than it should:
work stops at the limit, whatever follows it.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from invoicetron.reports.csvio.reader import MAX_COLUMNS, MAX_ROWS, FileRefused, parse, read_lines


def test_the_reader_stops_at_a_header_wider_than_the_column_limit() -> None:
    def lines() -> Iterator[str]:
        yield "a," * 119_999 + "a\n"
        raise AssertionError("the reader went on past a header it should refuse")

    with pytest.raises(FileRefused, match=f"the limit is {MAX_COLUMNS} columns"):
        read_lines(lines())


def test_duplicate_column_names_are_told_apart() -> None:
    parsed = parse(b"a,a,,a (2)\n1,2,3,4\n")
    assert parsed.header == ["a", "a (2)", "Column 3", "a (2) (4)"]


def test_rows_with_errors_count_against_the_row_limit_and_reading_stops_there() -> None:
    pulled = 0

    def lines() -> Iterator[str]:
        nonlocal pulled
        yield "name,email\n"
        while True:
            pulled += 1
            if pulled > MAX_ROWS + 1:
                raise AssertionError("the reader went on past the row limit")
            yield "x,y,extra\n"

    with pytest.raises(FileRefused, match="more than 20,000 rows"):
        read_lines(lines())
    assert pulled == MAX_ROWS + 1


def test_row_errors_are_counted_all_but_kept_only_up_to_the_limit() -> None:
    content = b"name,email\n" + b"x,y,extra\n" * 15_000 + b"ok,ok@example.com\n" + b"z" * 10_001
    parsed = parse(content)
    assert parsed.errors.total == 15_001 and parsed.errors.rows_with_errors == 15_001
    shown = list(parsed.errors)
    assert len(shown) == 100 and shown[0].row == 2 and shown[-1].row == 101
    assert [(s.column, s.count) for s in parsed.errors.summary()] == [
        ("(extra cells)", 15_000),
        ("name", 1),
    ]
    assert len(parsed.rows) == 1 and parsed.rows_read == 15_002
