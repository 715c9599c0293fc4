"""Reading a file of daily reference rates in the ECB's layout, defensively.

The European Central Bank publishes its euro reference rates as CSV (and as a ZIP archive holding
that CSV, which is what its download links give):

- `eurofxref.csv`, one day: `Date, USD, JPY, …, ZAR, ` then `06 December 2024, 1.0581, 158.95, …`
  (a space after each comma, a trailing comma, the date written out in English);
- `eurofxref-hist.csv`, every day since 1999, newest first: `Date,USD,JPY,BGN,CYP,…,ZAR,` then
  `2024-12-06,1.0581,158.95,1.9558,N/A,…`, "N/A" where a currency had no rate that day (CYP and
  the other currencies the euro replaced, or one the ECB stopped quoting).

Every quote is "1 EUR = x CUR". This module only reads them (`read_reference_file`); what they
become in the table's convention is `billing.money.rate_from_quotes` (see `derived_rates`).

Limits are checked while reading, so the work stops at the first one passed: at most
MAX_FILE_BYTES (a ZIP member is read up to that and one byte more, never unpacked whole), at most
MAX_DAYS rows and MAX_COLUMNS columns, cells of at most MAX_CELL_CHARS. A column whose code is
not a currency Invoicetron knows (CYP, DEM…: gone since the euro) is left out and named in the
result. Every bad cell is a row error naming the row and the column; a file with any is refused
whole (the caller writes nothing), and the first MAX_PROBLEMS are reported.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from invoicetron.billing.currencies import CURRENCIES
from invoicetron.billing.money import RATE_PLACES, rate_from_quotes

REFERENCE_CURRENCY = "EUR"  # what the ECB's quotes are per unit of
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DAYS = 20_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 40
MAX_PROBLEMS = 50
MISSING = {"", "N/A", "NA", "-"}
CODE = re.compile(r"^[A-Z]{3}$")
MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
LARGEST_RATE = Decimal(10) ** 10  # NUMERIC(20,10): ten integer digits


class RateFileRefused(ValidationError):
    """The file cannot be imported; `problems` lists what to fix (a row error names its row)."""

    def __init__(self, problems: list[str], more: int = 0) -> None:
        shown = problems[:MAX_PROBLEMS]
        more += len(problems) - len(shown)
        if more:
            shown.append(_("… and %(count)s more problems.") % {"count": more})
        super().__init__({"file": shown})
        self.problems = shown


@dataclass
class ReferenceQuotes:
    """What a file says: per day, each currency's quote per unit of REFERENCE_CURRENCY."""

    days: dict[datetime.date, dict[str, Decimal]] = field(default_factory=dict)
    currencies: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)


def file_text(data: bytes) -> str:
    """The CSV text of an upload: the file itself, or the one CSV inside a ZIP archive."""
    if len(data) > MAX_FILE_BYTES:
        raise RateFileRefused([too_large()])
    if data.startswith(b"PK\x03\x04"):
        data = zip_member(data)
    if b"\x00" in data[:8192]:
        raise RateFileRefused([_("This is not a CSV text file: import the ECB's CSV file.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RateFileRefused(
            [_("The file is not UTF-8 text: import the CSV file as the ECB publishes it.")]
        ) from error


def too_large() -> str:
    return _("The file is larger than %(size)s MB: import fewer days at a time.") % {
        "size": MAX_FILE_BYTES // (1024 * 1024)
    }


def zip_member(data: bytes) -> bytes:
    """The one .csv inside a ZIP archive, read up to the limit and one byte more."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = [name for name in archive.namelist() if name.lower().endswith(".csv")]
            if len(names) != 1:
                raise RateFileRefused(
                    [_("The ZIP archive must hold exactly one CSV file (the ECB's does).")]
                )
            with archive.open(names[0]) as member:
                content = member.read(MAX_FILE_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError) as error:
        raise RateFileRefused(
            [_("The ZIP archive cannot be read: unzip it and import the CSV.")]
        ) from error
    if len(content) > MAX_FILE_BYTES:
        raise RateFileRefused([too_large()])
    return content


def parse_day(text: str) -> datetime.date | None:
    """2024-12-06 (the history file) or 06 December 2024 (the day's file); None otherwise."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    parts = text.split()
    if len(parts) == 3 and parts[0].isdigit() and parts[2].isdigit():
        month = MONTHS.get(parts[1].lower())
        if month:
            try:
                return datetime.date(int(parts[2]), month, int(parts[0]))
            except ValueError:
                return None
    return None


def row_problem(row: int, column: str, message: str) -> str:
    return _("Row %(row)s, %(column)s: %(message)s") % {
        "row": row,
        "column": column,
        "message": message,
    }


def read_header(cells: list[str]) -> tuple[list[str | None], ReferenceQuotes]:
    """The currency of each column (None for one left out) after the date column."""
    if len(cells) > MAX_COLUMNS:
        raise RateFileRefused(
            [_("The file has more than %(count)s columns.") % {"count": MAX_COLUMNS}]
        )
    names = [cell.strip() for cell in cells]
    while names and not names[-1]:
        names.pop()  # the ECB ends every line with a comma
    if not names or names[0].lower() != "date":
        raise RateFileRefused(
            [
                _(
                    "The first row must name the columns, starting with Date and then currency "
                    "codes (Date, USD, JPY, …), as the ECB's files do."
                )
            ]
        )
    quotes = ReferenceQuotes()
    columns: list[str | None] = []
    for position, name in enumerate(names[1:], start=2):
        code = name.upper()
        if not CODE.match(code):
            raise RateFileRefused(
                [
                    _("Column %(position)s, “%(name)s”, is not a currency code.")
                    % {"position": position, "name": name[:40]}
                ]
            )
        if code in quotes.currencies or code in quotes.unknown_columns:
            raise RateFileRefused([_("The column %(code)s appears twice.") % {"code": code}])
        if code in CURRENCIES:
            quotes.currencies.append(code)
            columns.append(code)
        else:
            quotes.unknown_columns.append(code)
            columns.append(None)
    return columns, quotes


def read_quote(text: str) -> Decimal | str | None:
    """A quote, None when the cell says there is none, or the message saying what is wrong."""
    if text.upper() in MISSING:
        return None
    if len(text) > MAX_CELL_CHARS:
        return _("the cell is too long for a rate.")
    try:
        quote = Decimal(text)
    except InvalidOperation:
        return _("“%(text)s” is not a number (write it like 1.0530, or N/A).") % {"text": text}
    if not quote.is_finite() or quote <= 0:
        return _("a rate must be a number above zero.")
    return quote


def read_reference_file(data: bytes) -> ReferenceQuotes:
    """The quotes of an ECB-layout file, or RateFileRefused listing what to fix."""
    reader = csv.reader(io.StringIO(file_text(data), newline=""), skipinitialspace=True)
    problems: list[str] = []
    try:
        columns, quotes = read_header(next(reader, []))
        seen: dict[datetime.date, int] = {}
        rows = 0
        for cells in reader:
            row = reader.line_num
            cells = [cell.strip() for cell in cells]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                continue
            rows += 1  # rows with errors count too: a file of bad rows stops as soon
            if rows > MAX_DAYS:
                raise RateFileRefused(
                    [_("The file has more than %(count)s days: split it.") % {"count": MAX_DAYS}]
                )
            problems += read_row(row, cells, columns, quotes, seen)
    except csv.Error as error:
        raise RateFileRefused(
            [
                row_problem(
                    reader.line_num,
                    _("file"),
                    _("the CSV is malformed (%(error)s).") % {"error": error},
                )
            ]
        ) from error
    if problems:
        raise RateFileRefused(problems)
    if not quotes.days:
        raise RateFileRefused([_("The file has a header row but no rates.")])
    return quotes


def read_row(
    row: int,
    cells: list[str],
    columns: list[str | None],
    quotes: ReferenceQuotes,
    seen: dict[datetime.date, int],
) -> list[str]:
    """Add one row's quotes to `quotes`; its problems (then nothing of it is added)."""
    problems = []
    day = parse_day(cells[0])
    if day is None:
        problems.append(
            row_problem(
                row,
                "Date",
                _("“%(text)s” is not a date (write 2024-12-06 or 06 December 2024).")
                % {"text": cells[0][:40]},
            )
        )
    elif day in seen:
        problems.append(
            row_problem(
                row,
                "Date",
                _("%(day)s is also on row %(other)s.") % {"day": day, "other": seen[day]},
            )
        )
    if len(cells) - 1 > len(columns):
        problems.append(
            row_problem(
                row,
                _("file"),
                _("the row has %(cells)s cells; the header names %(columns)s.")
                % {"cells": len(cells), "columns": len(columns) + 1},
            )
        )
    found: dict[str, Decimal] = {}
    for code, text in zip(columns, cells[1:], strict=False):
        if code is None:
            continue
        quote = read_quote(text)
        if isinstance(quote, str):
            problems.append(row_problem(row, code, quote))
        elif quote is not None:
            found[code] = quote
    if day is not None and not problems:
        seen[day] = row
        quotes.days[day] = found
    return problems


@dataclass(frozen=True)
class DerivedRates:
    """The table's rates from a file, for one base currency."""

    rates: list[tuple[str, datetime.date, Decimal]]
    days_without_base: list[datetime.date]


def derived_rates(quotes: ReferenceQuotes, base: str) -> DerivedRates:
    """Each quote as units of `base` per unit of its currency (see billing.money.rates); the
    reference currency itself becomes a currency too when the base is another one."""
    if base != REFERENCE_CURRENCY and base not in quotes.currencies:
        raise RateFileRefused(
            [
                _(
                    "The file has no column for your base currency, %(base)s, so no rate to "
                    "%(base)s can be derived from it."
                )
                % {"base": base}
            ]
        )
    rates = []
    without_base = []
    problems = []
    for day, found in sorted(quotes.days.items()):
        base_quote = Decimal(1) if base == REFERENCE_CURRENCY else found.get(base)
        if base_quote is None:
            without_base.append(day)
            continue
        per_unit = dict(found)
        per_unit[REFERENCE_CURRENCY] = Decimal(1)
        for currency, quote in sorted(per_unit.items()):
            if currency == base:
                continue
            rate = rate_from_quotes(base_quote, quote)
            if rate <= 0 or rate >= LARGEST_RATE:
                problems.append(
                    _(
                        "%(day)s, %(currency)s: the rate in %(base)s does not fit %(places)s "
                        "decimals and 10 digits."
                    )
                    % {"day": day, "currency": currency, "base": base, "places": RATE_PLACES}
                )
                continue
            rates.append((currency, day, rate))
    if problems:
        raise RateFileRefused(problems)
    return DerivedRates(rates, without_base)
