"""One JSON shape for every error under /api/: {"error": {"code", "message", "fields"}}.

`fields` lists `{"path": "lines.0.quantity", "message": …}` items: the path of the offending value
in the request (body, query or path parameter), with list indexes as numbers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError

from invoicetron.billing.models import ImmutableDocument

logger = logging.getLogger("invoicetron.api")

API_PREFIX = "/api/"
# Service field names → the API's names for the same inputs.
FIELD_NAMES = {
    "client": "client_id",
    "series": "series_id",
    "invoice": "invoice_id",
    "product": "product_id",
    "taxes": "tax_ids",
    "default_taxes": "default_tax_ids",
    "tax_rate": "tax_rate_id",
}
# A field of an item of a list, maybe nested: lines-2-unit_price, adjustments-0-value,
# lines-1-adjustments-0-reason; "__all__" names the item itself.
ITEM_FIELD = re.compile(r"^\w+?(-\d+-\w+?)+$")
STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "validation_error",
    429: "too_many_requests",
    500: "internal_error",
    503: "database_unavailable",
}


class ApiError(Exception):
    """An error with its status, code and message, raised anywhere in the API."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: Iterable[tuple[str, str]] = (),
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or STATUS_CODES.get(status, "error")
        self.message = message
        self.fields = list(fields)


def error_body(code: str, message: str, fields: Iterable[tuple[str, str]] = ()) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "fields": [{"path": path, "message": text} for path, text in fields],
        }
    }


def error_response(error: ApiError) -> JsonResponse:
    response = JsonResponse(
        error_body(error.code, error.message, error.fields), status=error.status
    )
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="invoicetron"'
    if error.status == 503:
        response["Retry-After"] = "5"
    return response


# -- Converting errors -----------------------------------------------------------------------------


def api_path(key: str) -> str:
    """A service's error key as a request path: lines-2-unit_price → lines.2.unit_price,
    lines-0-adjustments-1-__all__ → lines.0.adjustments.1."""
    if not ITEM_FIELD.match(key):
        return FIELD_NAMES.get(key, key)
    *path, name = key.split("-")
    if name != "__all__":
        path.append(FIELD_NAMES.get(name, name))
    return ".".join(path)


def from_domain_error(error: ValidationError) -> ApiError:
    if isinstance(error, ImmutableDocument):
        return ApiError(409, " ".join(error.messages), code="immutable")
    fields: list[tuple[str, str]] = []
    general: list[str] = []
    error_dict: Mapping[str, list[ValidationError]] = getattr(error, "error_dict", {})
    for key, errors in error_dict.items():
        messages = [message for item in errors for message in item.messages]
        if key == "__all__":
            general.extend(messages)
        else:
            fields.extend((api_path(key), message) for message in messages)
    if not error_dict:
        general.extend(error.messages)
    message = " ".join(general) or "Some values were refused; see fields."
    return ApiError(422, message, fields=fields)


def schema_path(location: Iterable[Any]) -> str:
    """("body", "payload", "lines", 0, "quantity") → "lines.0.quantity"."""
    parts = list(location)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
        if not parts:
            return source
    return ".".join(str(part) for part in parts)


def from_schema_error(error: SchemaValidationError) -> ApiError:
    fields = [(schema_path(item.get("loc", ())), str(item.get("msg", ""))) for item in error.errors]
    return ApiError(422, "The request does not match the schema; see fields.", fields=fields)


def from_exception(exception: Exception) -> ApiError:
    """Any exception as an ApiError; unexpected ones are logged and never shown."""
    converters: list[tuple[type[Exception], Callable[[Any], ApiError]]] = [
        (ApiError, lambda error: error),
        (SchemaValidationError, from_schema_error),
        (ValidationError, from_domain_error),
        (AuthenticationError, lambda _: ApiError(401, NOT_AUTHENTICATED)),
        (HttpError, lambda error: ApiError(error.status_code, str(error))),
        (Http404, lambda _: ApiError(404, "Not found.")),
        (PermissionDenied, lambda _: ApiError(403, "You may not do this.")),
        (RequestDataTooBig, _too_large),
        (OperationalError, _unavailable),
        (InterfaceError, _unavailable),
        (IntegrityError, lambda _: ApiError(409, CONFLICT)),
    ]
    for kind, convert in converters:
        if isinstance(exception, kind):
            return convert(exception)
    logger.error("Unexpected API error", exc_info=exception)
    return ApiError(500, "Something went wrong on our side; the error was logged.")


NOT_AUTHENTICATED = (
    "Authentication required: send `Authorization: Bearer <token>` with an active API token."
)
CONFLICT = "The request conflicts with the current state of the data; reload and retry."


def _too_large(_: Exception) -> ApiError:
    """Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE), behind the body-limit middleware."""
    return ApiError(
        413, "The request body is larger than the API accepts; send less in one request."
    )


def _unavailable(_: Exception) -> ApiError:
    return ApiError(503, "The database is unavailable; try again shortly.")


def install_handlers(api: NinjaAPI) -> None:
    def handle(request: HttpRequest, exception: Any) -> HttpResponse:
        return error_response(from_exception(exception))

    # django-ninja registers its own handlers for these; ours replace every one of them.
    for kind in (Exception, Http404, HttpError, SchemaValidationError):
        api.add_exception_handler(kind, handle)


# -- Errors raised outside django-ninja (unknown paths, wrong methods) ----------------------------


class ApiErrorMiddleware:
    """Gives non-JSON error responses under /api/ (404, 405…) the API's error shape."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(API_PREFIX) or response.status_code < 400:
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        status = response.status_code
        message = _plain_message(status, request)
        replacement = error_response(ApiError(status, message))
        if response.has_header("Allow"):
            replacement["Allow"] = response["Allow"]
        return replacement

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path_info.startswith(API_PREFIX):
            return None
        return error_response(from_exception(exception))


def _plain_message(status: int, request: HttpRequest) -> str:
    if status == 404:
        return f"No API endpoint at {request.path_info}; see /api/docs."
    if status == 405:
        return f"{request.method} is not allowed here."
    return STATUS_CODES.get(status, "error").replace("_", " ").capitalize() + "."
