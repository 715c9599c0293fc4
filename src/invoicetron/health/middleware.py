"""Probe endpoints answered before any other middleware.

Kubelet probes send the pod IP as the Host header, which ALLOWED_HOSTS rightly rejects; answering
here, before anything calls request.get_host(), keeps probes working without loosening the hosts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

from invoicetron.health.checks import check_readiness

HEALTH_PATH = "/api/health"
READY_PATH = "/api/ready"


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
        if isinstance(exception, OperationalError | InterfaceError):
            return database_unavailable(request)
        return None


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
