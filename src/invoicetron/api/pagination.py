"""Offset pagination with a maximum page size, in a deterministic order (by id)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema

from invoicetron.api.fields import MAX_PAGE_SIZE, DateTime, Input

T = TypeVar("T")
M = TypeVar("M", bound=Model)
R = TypeVar("R")  # a row: a model instance, or a dict from .values()


class PageParams(Input):
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 100).")
    offset: int = Field(0, ge=0, le=10**9, description="Items to skip.")


class SyncParams(PageParams):
    updated_since: DateTime | None = Field(
        None, description="Only items changed at or after this time (ISO 8601), for syncing."
    )


class Page(Schema, Generic[T]):
    count: int = Field(description="Items matching the filters, on all pages.")
    limit: int
    offset: int
    items: list[T]


def paginate(
    queryset: QuerySet[Any, R],
    params: PageParams,
    convert: Callable[[R], Any],
    count: Callable[[QuerySet[Any, R]], int] = QuerySet.count,
) -> dict[str, Any]:
    """`count` may be billing's kept count (billing.caching) for lists of billing documents."""
    ordered = queryset.order_by("id")
    window = list(ordered[params.offset : params.offset + params.limit])
    return {
        "count": count(ordered),
        "limit": params.limit,
        "offset": params.offset,
        "items": [convert(item) for item in window],
    }


def updated_since(
    queryset: QuerySet[M, R], since: datetime.datetime | None, field: str = "updated_at"
) -> QuerySet[M, R]:
    return queryset if since is None else queryset.filter(**{f"{field}__gte": since})
