"""List pages in a deterministic order (by id): keyset paging with `after`, or offset paging.

`after` (the `next_after` of the previous page) reads the next `limit` rows from the primary key
index whatever the depth. `offset` is kept for clients that already use it: past the middle of
the list the page is read from the other end, in the reverse order (`offset=99000` of 100,000
skips 950 rows backwards, not 99,000 forwards, as the UI's last pages do); before the middle, a
deep one reads the page's ids first from the primary key index alone, then their rows
(`web.lists.rows_between`), instead of making PostgreSQL build and drop every skipped row (86 ms
at offset 99,000; the ids alone still cost an index scan of 99,000 entries, 92.7 ms p95 at c=8,
bench/results/2026-12-07-invoice-page.md)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from django.db.models import Model, QuerySet
from ninja import Field, Schema
from pydantic import model_validator

from invoicetron.api.fields import MAX_ID, MAX_PAGE_SIZE, DateTime, Input
from invoicetron.web.lists import ends_with_id, row_id, rows_between

T = TypeVar("T")
M = TypeVar("M", bound=Model)
R = TypeVar("R")  # a row: a model instance, or a dict from .values()


class PageParams(Input):
    limit: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Items per page (at most 100).")
    offset: int = Field(
        0, ge=0, le=10**9, description="Items to skip (`after` is cheaper on deep pages)."
    )
    after: int | None = Field(
        None,
        ge=0,
        le=MAX_ID,
        description="Only items with an id above this: pass the previous page's `next_after` "
        "to read the next page (every item once, fast at any depth). Not with `offset`.",
    )

    @model_validator(mode="after")
    def one_way_of_paging(self) -> PageParams:
        if self.after is not None and self.offset:
            raise ValueError("Use either `after` or `offset`, not both.")
        return self


class SyncParams(PageParams):
    updated_since: DateTime | None = Field(
        None, description="Only items changed at or after this time (ISO 8601), for syncing."
    )


class Page(Schema, Generic[T]):
    count: int = Field(description="Items matching the filters, on all pages.")
    limit: int
    offset: int
    next_after: int | None = Field(
        description="`after` for the next page; null on the last page.",
    )
    items: list[T]


def paginate(
    queryset: QuerySet[Any, R],
    params: PageParams,
    convert: Callable[[R], Any],
    count: Callable[[QuerySet[Any, R]], int] = QuerySet.count,
) -> dict[str, Any]:
    """`count` may be billing's kept count (billing.caching) for lists of billing documents."""
    ordered = queryset.order_by("id")
    total = count(ordered)
    if params.after is not None:
        window = list(ordered.filter(id__gt=params.after)[: params.limit])
    else:
        window = rows_at(ordered, params.offset, params.limit, total)
    return {
        "count": total,
        "limit": params.limit,
        "offset": params.offset,
        "next_after": row_id(window[-1]) if len(window) == params.limit else None,
        "items": [convert(item) for item in window],
    }


def rows_at(ordered: QuerySet[Any, R], offset: int, limit: int, total: int) -> list[R]:
    """`ordered[offset:offset + limit]` of `total` rows (`ordered` ends with the id: its reverse
    is exact), read from whichever end is nearer."""
    if offset >= total:
        return []
    if offset <= total // 2 or not ends_with_id(ordered):
        return rows_between(ordered, offset, offset + limit)
    from_end = max(0, total - offset - limit)
    return rows_between(ordered.reverse(), from_end, total - offset)[::-1]


def updated_since(
    queryset: QuerySet[M, R], since: datetime.datetime | None, field: str = "updated_at"
) -> QuerySet[M, R]:
    return queryset if since is None else queryset.filter(**{f"{field}__gte": since})
