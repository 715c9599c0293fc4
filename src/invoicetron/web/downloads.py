"""The Content-Disposition header of every download (PDFs, CSV exports), per RFC 6266.

File names come from document numbers and other user-made text, which may hold quotes,
semicolons, line breaks or non-ASCII letters. The header carries an ASCII `filename` for old
clients (every other character replaced by `_`) and the exact name in `filename*` (RFC 8187).
"""

from __future__ import annotations

import re
from urllib.parse import quote

_UNSAFE = re.compile(r"[^A-Za-z0-9._ ()+#-]")


def content_disposition(filename: str, *, inline: bool = False) -> str:
    fallback = _UNSAFE.sub("_", filename) or "download"
    exact = quote(filename, safe="")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{exact}"
