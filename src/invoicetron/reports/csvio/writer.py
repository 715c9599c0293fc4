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
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

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
    request: HttpRequest,
    filename: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    on_close: Callable[[], None] | None = None,
) -> StreamingHttpResponse:
    """Stream the rows as a CSV download (never the whole file in memory).

    `on_close` runs once when the download ends, fails or is abandoned, even if it never began.
    """
    chunks = csv_chunks(header, rows, bom=wants_bom(request))
    response = StreamingHttpResponse(
        chunks if on_close is None else Closing(chunks, on_close),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["Cache-Control"] = "no-store"
    return response


class Closing:
    """Chunks that run `release` once when exhausted or closed (Django closes every response)."""

    def __init__(self, chunks: Iterator[bytes], release: Callable[[], None]) -> None:
        self.chunks = chunks
        self.release: Callable[[], None] | None = release

    def __iter__(self) -> Iterator[bytes]:
        return self

    def __next__(self) -> bytes:
        try:
            return next(self.chunks)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        release, self.release = self.release, None
        if release is None:
            return
        try:
            close = getattr(self.chunks, "close", None)
            if close is not None:
                close()
        finally:
            release()


# An export reads the database for as long as its client reads. At most this many run at once in
# each server process, so that its other threads (INVOICETRON_THREADS, 4 by default) always serve
# everyone else, /api/health included; one more export is told to come back a little later.
EXPORTS_PER_PROCESS = 2
EXPORT_SLOTS = threading.BoundedSemaphore(EXPORTS_PER_PROCESS)
# A client that accepts no byte of an export for this long is dropped, and with it the thread,
# the database connection and the transaction it held. Gunicorn gives the application its socket.
STALLED_CLIENT_SECONDS = 60
BUSY_RETRY_SECONDS = 30


def export_response(
    request: HttpRequest, filename: str, header: Sequence[str], rows: Callable[[], Iterable[Any]]
) -> HttpResponseBase:
    """A large CSV export streamed from the database, within the process's export slots.

    `rows` is called only once a slot is held; its rows should be read lazily.
    """
    if not EXPORT_SLOTS.acquire(blocking=False):
        busy = HttpResponse(
            f"{EXPORTS_PER_PROCESS} exports are running on this server already. "
            f"Try again in {BUSY_RETRY_SECONDS} seconds.",
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        busy["Retry-After"] = str(BUSY_RETRY_SECONDS)
        return busy
    try:
        client = request.META.get("gunicorn.socket")
        if client is not None:  # gunicorn makes the socket blocking again for the next request
            client.settimeout(STALLED_CLIENT_SECONDS)
        return csv_response(request, filename, header, rows(), on_close=EXPORT_SLOTS.release)
    except BaseException:
        EXPORT_SLOTS.release()
        raise
