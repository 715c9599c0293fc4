"""CSV files written by PostgreSQL: `COPY (query) TO STDOUT (FORMAT csv)`, streamed as it comes.

No row becomes a Python object: each cell is made final in SQL by the expressions below, each the
SQL twin of a Python rule, so the file is byte for byte what `writer.csv_chunks` writes from
`exports.number`/`amount` cells (tests/reports/test_export_equivalence.py holds them to it):

- PostgreSQL quotes a cell exactly when csv.writer does (a comma, a double quote, CR or LF in it;
  quotes doubled), except the empty string, which it quotes to tell it from NULL: every text cell
  turns '' into NULL, written as nothing, as csv.writer writes ''.
- The formula prefix of `writer.neutralise`, as a regular expression (`Cell`).
- PostgreSQL ends rows with LF, csv.writer with CRLF. A CopyData message is always one whole row
  (PostgreSQL's protocol guarantees it for COPY TO), so its final LF is the row's end, never an LF
  inside a quoted cell, and becomes CRLF.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, F, QuerySet, TextField
from django.db.models.sql.compiler import SQLCompiler

from invoicetron.billing.currencies import CURRENCIES

# A cell a spreadsheet would run as a formula (`writer.neutralise`): it starts with = + @ TAB CR,
# with - unless it is a plain number, or with an apostrophe before one of those. Python's `$`
# also matches before a final LF, hence `\n?`; Python's `\d` is any Unicode decimal digit, as is
# `[[:digit:]]` under PostgreSQL's builtin Unicode collation.
FORMULA = r"^([=+@\t\r]|-(?![[:digit:]]+(\.[[:digit:]]+)?\n?$)|'[=+\-@\t\r])"
UNICODE_COLLATION = "pg_unicode_fast"
ROWS_PER_CHUNK = 1000


class SqlText(Expression):
    """A cell made by a SQL template over its sources: `{0}`, `{1}`… (each may repeat)."""

    template = ""

    def __init__(self, *sources: Any) -> None:
        super().__init__(output_field=TextField())
        self.sources: list[Any] = [F(s) if isinstance(s, str) else s for s in sources]

    def get_source_expressions(self) -> list[Any]:
        return list(self.sources)

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.sources = list(exprs)

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        compiled = [compiler.compile(source) for source in self.sources]
        params: list[Any] = []
        # Each source's parameters as often, and in the order, as the template places it.
        for index in (int(part.split("}")[0]) for part in self.template.split("{")[1:]):
            params += compiled[index][1]
        return self.sql(*(sql for sql, _params in compiled)), params

    @classmethod
    def sql(cls, *sources: str) -> str:
        """The cell's SQL over sources given as SQL."""
        return cls.template.format(*(f"({source})" for source in sources))


class Cell(SqlText):
    """A text cell as `writer.neutralise` leaves it (a leading apostrophe before a formula)."""

    # Most cells start with a letter or a digit: the first character's code settles them (the
    # regular expression costs more than the rest of the export's SQL). = + - @ TAB CR '
    template = (
        "CASE WHEN ascii({0}::text) IN (61, 43, 45, 64, 9, 13, 39) AND {0}::text COLLATE "
        + UNICODE_COLLATION
        + " ~ '"
        + FORMULA.replace("'", "''")
        # '' becomes NULL: PostgreSQL writes NULL as nothing, as csv.writer writes ''.
        + "' THEN '''' || {0}::text ELSE NULLIF({0}::text, '') END"
    )


class Number(SqlText):
    """`exports.number`: trailing zeros dropped (trim_scale, as Decimal.normalize), no exponent."""

    template = "trim_scale({0})::text"


class IsoDate(SqlText):
    """`date.isoformat()`."""

    template = "to_char({0}, 'YYYY-MM-DD')"


class YesNo(SqlText):
    """`exports.yes_no`."""

    template = "CASE WHEN {0} THEN 'yes' ELSE 'no' END"


class Money(SqlText):
    """`exports.amount(value, currency)`: f"{Decimal(value):.{places}f}" ({1}: the places).

    Python rounds half to even there, and keeps the sign of a negative amount that rounds to
    zero (-0.00); PostgreSQL's round() goes half away from zero and has no -0. Stored amounts
    mostly have no more digits than their currency: those are only given their digits.
    """

    template = (
        "CASE WHEN {0} = round({0}, {1}) THEN round({0}, {1})::text "
        # A negative amount that rounds to zero (ties to even: -0.5 too) keeps its sign.
        "ELSE CASE WHEN {0} < 0 AND {0} * 10::numeric ^ {1} >= -0.5 THEN '-' ELSE '' END || "
        "CASE WHEN abs({0} * 10::numeric ^ {1} - trunc({0} * 10::numeric ^ {1})) = 0.5 "
        "AND mod(trunc({0} * 10::numeric ^ {1}), 2) = 0 THEN trunc({0}, {1}) "
        "ELSE round({0}, {1}) END::text END"
    )


def _minor_places_template() -> str:
    by_places: dict[int, list[str]] = {}
    for code, (places, _name) in CURRENCIES.items():
        if not code.isalpha():  # written into the SQL as literals
            raise ValueError(f"Unexpected currency code {code!r}.")
        by_places.setdefault(places, []).append(f"'{code}'")
    # The most common number of digits last: PostgreSQL hashes long IN lists.
    order = sorted(by_places, key=lambda places: len(by_places[places]))
    whens = " ".join(f"WHEN {{0}} IN ({', '.join(by_places[p])}) THEN {p}" for p in order)
    return f"CASE {whens} END"


class MinorPlaces(SqlText):
    """`money.minor_unit(currency)`: the currency's digits after the point (NULL if unknown)."""

    template = _minor_places_template()


class Inline(Expression):
    """SQL written as is: a constant known to the code (a number of places, a currency code)."""

    def __init__(self, sql: str) -> None:
        super().__init__(output_field=TextField())
        self.inline = sql

    @classmethod
    def text(cls, text: str) -> Inline:
        return cls("'" + text.replace("'", "''") + "'")

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, list[Any]]:
        return self.inline, []


def copy_csv(rows: QuerySet[Any] | str, *, header: bytes) -> Iterator[bytes]:
    """`header`, then the rows of a query of cells as CSV, in chunks of ROWS_PER_CHUNK rows.

    `rows` is a `values_list` of the cells above, or SQL without parameters. Closing this (the
    client went away) cancels the COPY on the server at once.
    """
    sql, params = (rows, None) if isinstance(rows, str) else rows.query.sql_with_params()
    yield header
    # Django's psycopg cursors bind parameters client-side, which COPY needs.
    with (
        transaction.atomic(),  # for SET LOCAL; closing this rolls the read back
        connection.cursor() as cursor,
    ):
        # An export looks each invoice, snapshot and line up once: Memoize's cache never hits,
        # and hashing every snapshot's lines into it took 15-20 % of the invoice export
        # (EXPLAIN ANALYZE at 100,000 invoices: 4.6 s with it, 3.6-4.0 s without).
        cursor.execute("SET LOCAL enable_memoize = off")
        yield from _copied(cursor, sql, params)


def _copied(cursor: Any, sql: str, params: Any) -> Iterator[bytes]:
    with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:
        block: list[Any] = []
        for row in copy:
            block.append(row[:-1])  # memoryview slices: nothing copied until the join
            if len(block) == ROWS_PER_CHUNK:
                yield b"\r\n".join(block) + b"\r\n"
                block = []
        if block:
            yield b"\r\n".join(block) + b"\r\n"
