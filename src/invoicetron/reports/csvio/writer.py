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
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse

from invoicetron.web.downloads import content_disposition

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
BOM = "\ufeff"


def neutralise(value: Any) -> str:
    """The cell's text, with a leading apostrophe when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    if not text or NUMBER.match(text):
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


class _Echo:
    """A file-like object whose write() returns the text, for streaming with csv.writer."""

    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool) -> Iterator[str]:
    writer = csv.writer(_Echo())
    first = writer.writerow([neutralise(cell) for cell in header])
    yield (BOM + first) if bom else first
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def wants_bom(request: HttpRequest) -> bool:
    return request.GET.get("bom", "1") not in ("0", "false", "no")


def csv_response(
    request: HttpRequest, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream the rows as a CSV download (never the whole file in memory)."""
    response = StreamingHttpResponse(
        (line.encode("utf-8") for line in csv_lines(header, rows, bom=wants_bom(request))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response
