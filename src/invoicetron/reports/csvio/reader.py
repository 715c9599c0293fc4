"""Reading uploaded CSV files defensively: any bytes give a parsed file or a clear refusal.

- Size: at most MAX_FILE_BYTES, MAX_ROWS rows and MAX_COLUMNS columns; a cell longer than
  MAX_CELL_CHARS is a row error. The csv module's own field limit (131,072 characters, left at
  its default on purpose: it is process-wide) turns into a refusal that names the row.
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
from dataclasses import dataclass, field

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 100
MAX_CELL_CHARS = 10_000
DELIMITERS = (",", ";", "\t", "|")


class FileRefused(ValueError):
    """The file cannot be read at all; the message says why and what to do."""


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass
class ParsedFile:
    encoding: str
    delimiter: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (row number, cells padded to the header's width)
    errors: list[RowError] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) or FileRefused."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            f"The file is {len(data) / 1048576:.1f} MB; the limit is "
            f"{MAX_FILE_BYTES // 1048576} MB. Split it into smaller files."
        )
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused("This is a spreadsheet workbook (e.g. .xlsx), not CSV: save it as CSV.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as error:
            raise FileRefused(
                "The file claims to be UTF-16 but is not readable as such."
            ) from error
    if b"\x00" in data[:8192]:
        raise FileRefused("This looks like a binary file, not CSV text: export it as CSV.")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise FileRefused(
            "The file is neither UTF-8 nor Windows-1252 text. Save it as “CSV UTF-8”."
        ) from error


def sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _header(cells: list[str]) -> list[str]:
    names: list[str] = []
    for index, cell in enumerate(cells, start=1):
        name = " ".join(cell.split())[:80] or f"Column {index}"
        while name in names:
            name = f"{name} ({index})"
        names.append(name)
    return names


def parse(data: bytes) -> ParsedFile:
    text, encoding = decode(data)
    if "\x00" in text:
        raise FileRefused("The file contains NUL characters: it is not CSV text.")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next(reader, []))
        if not any(header) or not header:
            raise FileRefused("The file is empty: the first row must name the columns.")
        if len(header) > MAX_COLUMNS:
            raise FileRefused(f"The file has {len(header)} columns; the limit is {MAX_COLUMNS}.")
        parsed = ParsedFile(encoding, delimiter, header, [])
        for index, cells in enumerate(reader, start=2):
            _add_row(parsed, index, cells)
    except csv.Error as error:
        raise FileRefused(f"Row {reader.line_num}: the CSV is malformed ({error}).") from error
    if not parsed.rows and not parsed.errors:
        raise FileRefused("The file has a header row but no data rows.")
    return parsed


def _add_row(parsed: ParsedFile, number: int, cells: list[str]) -> None:
    if not any(cell.strip() for cell in cells):
        return  # blank lines are skipped
    if len(parsed.rows) >= MAX_ROWS:
        raise FileRefused(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files.")
    width = len(parsed.header)
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        parsed.errors.append(
            RowError(number, "(extra)", f"The row has {len(cells)} cells; the header has {width}.")
        )
        return
    cells = (cells + [""] * width)[:width]
    for name, cell in zip(parsed.header, cells, strict=True):
        if len(cell) > MAX_CELL_CHARS:
            parsed.errors.append(
                RowError(
                    number,
                    name,
                    f"The cell has {len(cell):,} characters; at most "
                    f"{MAX_CELL_CHARS:,} are accepted.",
                )
            )
            return
    parsed.rows.append((number, cells))
