"""Idempotency-Key: a retried request returns the first response instead of acting twice.

The key is claimed (a unique row) in the same transaction as the work, so a concurrent retry
waits on the row and then replays the committed response; a failed request leaves no row, and
may be retried with the same key. Keys belong to their token (or session user).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable
from typing import Annotated

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Header, Schema

from invoicetron.api.auth import caller
from invoicetron.api.errors import ApiError
from invoicetron.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


def fingerprint(request: HttpRequest) -> str:
    body = request.body or b""
    # The same JSON with other spacing or key order is the same request.
    with contextlib.suppress(ValueError):
        body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256(f"{request.method} {request.path_info}\n".encode())
    digest.update(body)
    return digest.hexdigest()


def run_once(
    request: HttpRequest,
    key: str | None,
    work: Callable[[], Schema],
    *,
    status: int = 200,
) -> HttpResponse:
    """Do `work` and answer with its result; with a key, at most once per key."""
    if not key:
        with transaction.atomic():
            return JsonResponse(work().model_dump(mode="json"), status=status)
    owner = caller(request).idempotency_owner
    print_ = fingerprint(request)
    with transaction.atomic():
        record = _claim(owner, key, print_)
        if record.status_code:
            return _replay(record, print_)
        body = work().model_dump(mode="json")
        record.status_code, record.body = status, body
        record.save(update_fields=["status_code", "body"])
    return JsonResponse(body, status=status)


def _claim(owner: str, key: str, print_: str) -> IdempotencyRecord:
    """The key's record: an earlier one (committed), or a new one this transaction holds."""
    try:
        with transaction.atomic():  # a savepoint: a duplicate key leaves the transaction usable
            return IdempotencyRecord.objects.create(
                owner=owner, key=key, fingerprint=print_, status_code=0, body={}
            )
    except IntegrityError:
        # Another request holds or held this key; the unique index made us wait for it.
        record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if record is None:  # it failed and rolled back: nothing was done, so do it now
            return _claim(owner, key, print_)
        return record


def _replay(record: IdempotencyRecord, print_: str) -> HttpResponse:
    if record.fingerprint != print_:
        raise ApiError(
            422,
            f"This {HEADER} was already used for a different request; use a new key.",
            code="idempotency_key_reused",
        )
    response = JsonResponse(record.body, status=record.status_code)
    response[REPLAYED_HEADER] = "true"
    return response


IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias=HEADER,
        max_length=255,
        description="Any unique string (e.g. a UUID) up to 255 characters. Retrying with the "
        "same key returns the first response without acting twice; a different request with "
        "the same key is refused (422).",
    ),
]
