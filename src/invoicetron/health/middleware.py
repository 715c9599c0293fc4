"""Probe endpoints answered before any other middleware.

Kubelet probes send the pod IP as the Host header, which ALLOWED_HOSTS rightly rejects; answering
here, before anything calls request.get_host(), keeps probes working without loosening the hosts.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

from invoicetron.health.checks import check_readiness

HEALTH_PATH = "/api/health"
READY_PATH = "/api/ready"
# During an outage every request fails the same way: a line per request would bury the log (and
# fill the disk), so each process says it once, then once per interval with a count.
OUTAGE_LOG_INTERVAL = 5.0

logger = logging.getLogger(__name__)


class OutageLog:
    """Logs a database outage at most once per `interval` seconds, counting the 503s between."""

    def __init__(self, interval: float = OUTAGE_LOG_INTERVAL) -> None:
        self.interval = interval
        self.lock = threading.Lock()
        self.last: float | None = None
        self.unlogged = 0

    def report(self, request: HttpRequest, exception: Exception) -> None:
        with self.lock:
            now = time.monotonic()
            if self.last is not None and now - self.last < self.interval:
                self.unlogged += 1
                return
            self.last, unlogged, self.unlogged = now, self.unlogged, 0
        reason = (str(exception).strip().splitlines() or [type(exception).__name__])[0]
        logger.error(
            "database unavailable, answering 503 (%s more since the last such line): %s",
            unlogged,
            reason,
            extra={"path": request.path_info, "unlogged": unlogged},
        )


OUTAGE_LOG = OutageLog()


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info.rstrip("/")
        if request.method in ("GET", "HEAD") and path in (HEALTH_PATH, READY_PATH):
            response = liveness() if path == HEALTH_PATH else readiness()
            response["Cache-Control"] = "no-store"
            return response
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A database outage is a 503 that says so, not a 500 with a stack trace."""
        return outage_response(request, exception)


def outage_response(request: HttpRequest, exception: BaseException | None) -> HttpResponse | None:
    """The 503 for a database error (None for any other error), logged by OUTAGE_LOG only."""
    if not isinstance(exception, OperationalError | InterfaceError):
        return None
    OUTAGE_LOG.report(request, exception)
    response = database_unavailable(request)
    # Django's request logger would add an error line per 503; OUTAGE_LOG speaks for them.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: middleware that reads the session or the user (two-factor, messages) meets
    an outage outside any view, where process_exception never sees it; Django then asks this
    handler, which still answers the outage with its 503."""
    return outage_response(request, sys.exc_info()[1]) or defaults.server_error(request)


def liveness() -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readiness() -> JsonResponse:
    state = check_readiness()
    if state.ready:
        return JsonResponse({"status": "ok"})
    return JsonResponse({"status": "unavailable", "reason": state.reason}, status=503)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {
                "error": {
                    "code": "database_unavailable",
                    "message": "The database is unavailable; try again shortly.",
                }
            },
            status=503,
        )
    else:
        response = HttpResponse(render_to_string("web/503.html"), status=503)
    response["Retry-After"] = "5"
    return response
