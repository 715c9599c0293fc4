"""Keeping public-link tokens out of the logs.

A public link's token is its only credential and it travels in the URL path (/p/<token>/…), so
any log line that carries a path would hand a working link to whoever reads the logs. Paths are
logged as /p/[link]/… instead: the access log, and Django's own error lines (which name the path
and the request).
"""

from __future__ import annotations

import logging
import re

# A path at the start of a text, after a space or quote, or right after a URL's host (the
# page's own URL travels as the Referer of same-origin requests, and CSRF failures name it):
# "Not Found: /p/abc/", "GET '/p/abc/'", "https://example.com/p/abc/".
_PUBLIC_LINK = re.compile(r"(^|[\s'\"]|://[^/?#\s'\"]+)/p/[^/?#\s'\"]+")
REDACTED = "/p/[link]"


def redact(text: str) -> str:
    return _PUBLIC_LINK.sub(lambda match: match.group(1) + REDACTED, text)


class RedactPublicLinks(logging.Filter):
    """A handler filter: the message and the `request` a record carries lose their tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/p/" in message:
            record.msg, record.args = redact(message), ()
        request = getattr(record, "request", None)
        if request is not None:
            record.request = redact(repr(request))
        return True
