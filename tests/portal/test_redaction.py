"""Public-link tokens never reach the logs: the link is the credential."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from invoicetron.portal.redaction import RedactPublicLinks, redact

TOKEN = "Zs8d0ZrV3m4n5b6v7c8x9z0aA1sS2dD3fF4gG5hH6jJ"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"/p/{TOKEN}/", "/p/[link]/"),
        (f"/p/{TOKEN}/pdf", "/p/[link]/pdf"),
        (f"Not Found: /p/{TOKEN}/accept", "Not Found: /p/[link]/accept"),
        (f"<WSGIRequest: GET '/p/{TOKEN}/pdf'>", "<WSGIRequest: GET '/p/[link]/pdf'>"),
        # The page's same-origin referrer policy lets our own requests carry the page's URL:
        # Django's CSRF failure names the Referer when it checks one.
        (
            f"Referer checking failed - https://invoicetron.test/p/{TOKEN}/ does not match",
            "Referer checking failed - https://invoicetron.test/p/[link]/ does not match",
        ),
        (f"http://localhost:8000/p/{TOKEN}", "http://localhost:8000/p/[link]"),
        ("/api/v1/invoices/7", "/api/v1/invoices/7"),
        ("https://invoicetron.test/data/export/p/x", "https://invoicetron.test/data/export/p/x"),
        ("/data/export/p/x", "/data/export/p/x"),
    ],
)
def test_redact_hides_the_token_of_a_public_link_path(text: str, expected: str) -> None:
    assert redact(text) == expected


class _Request:
    def __repr__(self) -> str:
        return f"<WSGIRequest: GET '/p/{TOKEN}/pdf'>"


@pytest.fixture
def stdout_log() -> Iterator[io.StringIO]:
    """What the app's configured stdout handler writes (the settings' LOGGING)."""
    handler = next(
        handler
        for handler in logging.getLogger().handlers
        if any(isinstance(found, RedactPublicLinks) for found in handler.filters)
    )
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


def test_a_server_error_on_a_public_link_is_logged_without_its_token(
    stdout_log: io.StringIO,
) -> None:
    logging.getLogger("django.request").error(
        "Internal Server Error: %s",
        f"/p/{TOKEN}/pdf",
        extra={"status_code": 500, "request": _Request()},
    )
    written = stdout_log.getvalue()
    assert "Internal Server Error: /p/[link]/pdf" in written
    assert "/p/[link]/pdf'>" in written
    assert TOKEN not in written
