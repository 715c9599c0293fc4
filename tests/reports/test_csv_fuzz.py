"""Fuzzing the CSV reader and the importers: any input gives rows, row errors or a clear refusal."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicetron.accounts.models import User
from invoicetron.reports.csvio.columns import INVOICE_COLUMNS
from invoicetron.reports.csvio.reader import FileRefused, ParsedFile, parse
from invoicetron.reports.importers.runner import KINDS, guess_mapping, run_import
from invoicetron.reports.importers.values import Options

CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "=1+1", "-3", "1,5", "2025-02-30", "VAT 20", "yes", "paid", "EUR", "1e9"]),
)


def read(content: bytes) -> ParsedFile | None:
    try:
        return parse(content)
    except FileRefused as refusal:
        assert str(refusal), "a refusal always says why"
        return None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_parse_or_are_refused_cleanly(content: bytes) -> None:
    parsed = read(content)
    if parsed is not None:
        assert all(len(cells) == len(parsed.header) for _number, cells in parsed.rows)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(CELL, max_size=8), min_size=1, max_size=6), st.sampled_from(",;\t"))
def test_any_table_of_text_parses_or_is_refused_cleanly(rows: list[list[str]], sep: str) -> None:
    text = "\n".join(
        sep.join(f'"{cell.replace(chr(34), chr(34) * 2)}"' for cell in row) for row in rows
    )
    for encoding in ("utf-8", "utf-16"):
        read(text.encode(encoding, errors="surrogatepass"))


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.sampled_from(sorted(KINDS)),
    st.lists(
        st.lists(CELL, min_size=len(INVOICE_COLUMNS), max_size=len(INVOICE_COLUMNS)),
        min_size=1,
        max_size=4,
    ),
)
def test_importers_turn_any_cells_into_row_errors_never_a_crash(
    owner: User, kind: str, rows: list[list[str]]
) -> None:
    header = list(KINDS[kind][1])
    lines = [",".join(header)] + [
        ",".join('"' + cell.replace('"', '""') + '"' for cell in row[: len(header)]) for row in rows
    ]
    parsed = read("\n".join(lines).encode("utf-8", errors="surrogatepass"))
    if parsed is None:
        return
    outcome = run_import(
        kind, parsed, guess_mapping(kind, parsed.header), options=Options(), by=owner, commit=False
    )
    assert all(error.row >= 2 and error.message for error in outcome.errors)
