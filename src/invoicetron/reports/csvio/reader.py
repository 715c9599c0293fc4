"""Reading uploaded CSV files defensively: any bytes give a parsed file or a clear refusal.

- Work is linear in the file's size: rows are read one at a time and every limit is checked as
  each row arrives, so the reading stops at the first limit passed (the header is checked
  against the column limit before anything else is done with it).
- Size: at most MAX_FILE_BYTES, MAX_ROWS rows (rows with errors count too) and MAX_COLUMNS
  columns; a cell longer than MAX_CELL_CHARS is a row error. The csv module's own field limit
  (131,072 characters, left at its default on purpose: it is process-wide) turns into a refusal
  that names the row. Row errors are all counted but only the first are kept (see errors.py).
- Encoding: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark (Excel's
  "Unicode text"), else Windows-1252 (older Excel on Windows), said so in the preview; binary
  files (an .xlsx workbook, an image) are refused with a hint.
- Delimiter: comma, semicolon (Excel in most of Europe), tab or pipe: the most frequent in the
  header line.
- Ragged rows: missing trailing cells count as empty; extra non-empty cells are a row error.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from invoicetron.reports.csvio.errors import ErrorLog, RowError

__all__ = ["FileRefused", "ParsedFile", "RowError", "decode", "parse", "read_lines"]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
DELIMITERS = (",", ";", "\t", "|")
EXTRA = "(extra cells)"  # the column named by an error about cells beyond the header


class FileRefused(ValueError):
    """The file cannot be read at all; the message says why and what to do."""


@dataclass
class ParsedFile:
    encoding: str
    delimiter: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells padded to the header's width)
    errors: ErrorLog = field(default_factory=ErrorLog)
    rows_read: int = 0  # data rows, those left out for their errors included (not blank lines)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) or FileRefused."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            _("The file is %(size)s MB; the limit is %(limit)s MB. Split it into smaller files.")
            % {"size": number_format(len(data) / 1048576, 1), "limit": MAX_FILE_BYTES // 1048576}
        )
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            _("This is a spreadsheet workbook (e.g. .xlsx), not CSV: save it as CSV.")
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise FileRefused(
                _("The file claims to be UTF-16 but is not readable as such.")
            ) from error
    if b"\x00" in data[:8192]:
        raise FileRefused(_("This looks like a binary file, not CSV text: export it as CSV."))
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise FileRefused(
            _("The file is neither UTF-8 nor Windows-1252 text. Save it as “CSV UTF-8”.")
        ) from error


def sniff_delimiter(first_line: str) -> str:
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_names(cells: list[str]) -> list[str]:
    """Column names, blank ones numbered, repeated ones told apart (call after the width check)."""
    names: list[str] = []
    seen: set[str] = set()
    for index, cell in enumerate(cells, start=1):
        name = " ".join(cell.split())[:80] or f"Column {index}"
        while name in seen:
            name = f"{name} ({index})"
        seen.add(name)
        names.append(name)
    return names


def parse(data: bytes) -> ParsedFile:
    text, encoding = decode(data)
    if "\x00" in text:
        raise FileRefused(_("The file contains NUL characters: it is not CSV text."))
    return read_lines(io.StringIO(text, newline=""), encoding=encoding)


def read_lines(lines: Iterable[str], *, encoding: str = "UTF-8") -> ParsedFile:
    """Read CSV text line by line; FileRefused at the first limit passed."""
    lines = iter(lines)
    first = next(lines, "")
    delimiter = sniff_delimiter(first)
    reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
    try:
        cells = next(reader, [])
        if len(cells) > MAX_COLUMNS:
            raise FileRefused(
                _("The first row has %(columns)s columns; the limit is %(limit)s columns.")
                % {"columns": number_format(len(cells), force_grouping=True), "limit": MAX_COLUMNS}
            )
        if not any(cell.strip() for cell in cells):
            raise FileRefused(_("The file is empty: the first row must name the columns."))
        parsed = ParsedFile(encoding, delimiter, header_names(cells), [])
        counted = 0
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # blank lines are skipped
            counted += 1
            if counted > MAX_ROWS:
                raise FileRefused(
                    _("The file has more than %(limit)s rows: split it into smaller files.")
                    % {"limit": number_format(MAX_ROWS, force_grouping=True)}
                )
            parsed.rows_read = counted
            _add_row(parsed, number, cells)
    except csv.Error as error:
        raise FileRefused(
            _("Row %(row)s: the CSV is malformed (%(error)s).")
            % {"row": reader.line_num, "error": error}
        ) from error
    if not parsed.rows and not parsed.errors:
        raise FileRefused(_("The file has a header row but no data rows."))
    return parsed


def _add_row(parsed: ParsedFile, number: int, cells: list[str]) -> None:
    """Keep the row, or log all of its errors (then it is left out)."""
    width = len(parsed.header)
    errors = []
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        errors.append(
            RowError(number, EXTRA, f"The row has {len(cells):,} cells; the header has {width}.")
        )
    cells = (cells + [""] * width)[:width]
    for name, cell in zip(parsed.header, cells, strict=True):
        if len(cell) > MAX_CELL_CHARS:
            errors.append(
                RowError(
                    number,
                    name,
                    f"The cell has {len(cell):,} characters; at most "
                    f"{MAX_CELL_CHARS:,} are accepted.",
                )
            )
    for error in errors:
        parsed.errors.add(error)
    if not errors:
        parsed.rows.append((number, cells))
