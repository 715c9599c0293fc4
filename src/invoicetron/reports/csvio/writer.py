"""Writing CSV files that are safe to open in a spreadsheet.

Formula injection: a cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return
would be run as a formula by Excel or LibreOffice; such cells get a leading apostrophe, which
spreadsheets display as text. Plain numbers (`-12.50`) are left alone so that amounts stay
numbers. A cell that already starts with an apostrophe followed by one of those characters gets
one more, so that the importer (which removes exactly one) gives back the original text.

Files are UTF-8 with a byte-order mark by default (Excel needs the mark to read accents right);
`?bom=0` leaves it out. Lines end with CRLF (RFC 4180).
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse

from invoicetron.web.downloads import content_disposition

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
RISKY_FIRST = frozenset((*DANGEROUS_START, "'"))
BOM = "\ufeff"
# Rows written per chunk of the response: ~100-300 KB, so that the server writes a few large
# chunks rather than one small write per row.
ROWS_PER_CHUNK = 1000


def neutralise(value: Any) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    # Most cells start with a letter or a digit: one set lookup settles them (exports run this on
    # every cell; the rules below only ever act on a text starting with one of these).
    if not text or text[0] not in RISKY_FIRST or NUMBER.match(text):
        return text
    if text.startswith(DANGEROUS_START) or (
        text.startswith("'") and text[1:].startswith(DANGEROUS_START)
    ):
        return "'" + text
    return text


def restore(text: str) -> str:
    """Undo `neutralise` on an imported cell: one leading apostrophe before a formula start."""
    if text.startswith("'") and text[1:].startswith((*DANGEROUS_START, "'")):
        return text[1:]
    return text


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool
) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks of ROWS_PER_CHUNK rows each, the header in the first.

    Closing it (Django does when the client goes away) closes `rows` at once, which ends the
    database transaction an export reads in.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write(BOM)
    writer.writerow([neutralise(cell) for cell in header])
    source = iter(rows)
    try:
        while block := list(itertools.islice(source, ROWS_PER_CHUNK)):
            writer.writerows([neutralise(cell) for cell in row] for row in block)
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")
    finally:
        close = getattr(source, "close", None)
        if close is not None:
            close()


def wants_bom(request: HttpRequest) -> bool:
    return request.GET.get("bom", "1") not in ("0", "false", "no")


def csv_response(
    request: HttpRequest, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream the rows as a CSV download (never the whole file in memory)."""
    response = StreamingHttpResponse(
        csv_chunks(header, rows, bom=wants_bom(request)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response
