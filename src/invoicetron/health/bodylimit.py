"""Every request body is capped before anything reads it; a larger one is answered with a 413.

Django reads a body lazily, on the first `request.POST`, `request.FILES` or `request.body`, and the
CSRF check does that for every form POST before any view asks who is sending. Django's own limit
(DATA_UPLOAD_MAX_MEMORY_SIZE) counts form fields but not files, which it spools to a temporary file
of any size. So the limit is checked here, on the declared length, before a byte is read:

- `RequestBodyLimitMiddleware`, the first middleware, refuses a Content-Length over the path's
  limit: the upload forms' own limit plus their other fields where an upload is expected
  (settings.UPLOAD_LIMITS), DATA_UPLOAD_MAX_MEMORY_SIZE everywhere else.
- `read_chunked_bodies`, around the WSGI application (wsgi.py), covers bodies sent in chunks
  without a length, which Django would otherwise read as empty: it reads at most the limit and one
  byte more into memory, counting, and hands Django those bytes with their length, so that the
  middleware decides on them as on any other.

Within the limits uploads stay in memory (settings.FILE_UPLOAD_HANDLERS), so no request writes to
disk; the server stops reading what a refused client still sends (gunicorn drains at most 64 KB).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

API_PREFIX = "/api/"
READ_SIZE = 64 * 1024


def body_limit(path: str) -> int:
    """The most bytes a request body to this path may have."""
    upload = settings.UPLOAD_LIMITS.get(path)
    if upload is None:
        return int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return int(upload[1] + settings.FORM_FIELDS_BYTES)


def declared_length(meta: dict[str, Any]) -> int:
    try:
        return max(int(meta.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0  # as Django reads it: no body


def megabytes(size: int) -> str:
    """512 KB, 2.5 MB, 5 MB: a limit as people say it."""
    if size < 1024 * 1024:
        return f"{size // 1024} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if declared_length(request.META) > body_limit(path):
            return too_large(path)
        return self.get_response(request)


def too_large(path: str) -> HttpResponse:
    most = megabytes(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    if path.startswith(API_PREFIX):
        if path in settings.UPLOAD_LIMITS:  # an upload through the API has its own limit
            most = megabytes(settings.UPLOAD_LIMITS[path][1])
        message = f"The request body is larger than {most}, the most the API accepts; send less."
        # The API's error shape (invoicetron.api.errors), built here: this layer is below the API.
        error = {"code": "payload_too_large", "message": message, "fields": []}
        response: HttpResponse = JsonResponse({"error": error}, status=413)
    else:
        upload = settings.UPLOAD_LIMITS.get(path)
        if upload is None:
            detail = f"A form may send at most {most}."
        else:
            detail = f"{upload[0].capitalize()} may be at most {megabytes(upload[1])}."
        response = HttpResponse(render_to_string("web/413.html", {"detail": detail}), status=413)
    # Said before the body, so that a client still sending knows how much answer to read.
    response["Content-Length"] = str(len(response.content))
    return response


def read_chunked_bodies(application: Callable[..., Iterable[bytes]]) -> Callable[..., Any]:
    """Wrap a WSGI application: a body without a length is read, counted, up to its limit + 1."""

    def limited(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        # Only a server that de-chunks and ends the stream (gunicorn) says wsgi.input_terminated;
        # elsewhere (the development server) reading to the end could wait forever.
        terminated = environ.get("wsgi.input_terminated", False)
        if chunked and terminated and not environ.get("CONTENT_LENGTH"):
            most = body_limit(environ.get("PATH_INFO", "")) + 1
            stream = environ["wsgi.input"]
            data = bytearray()
            while len(data) < most:
                piece = stream.read(min(READ_SIZE, most - len(data)))
                if not piece:
                    break
                data += piece
            environ["wsgi.input"] = io.BytesIO(bytes(data))
            environ["CONTENT_LENGTH"] = str(len(data))  # over the limit: the middleware says 413
        return application(environ, start_response)

    return limited
