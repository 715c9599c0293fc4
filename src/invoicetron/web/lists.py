"""List pages: one page of rows, and the search box's text."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 25

Counter = Callable[[QuerySet[Any]], int]


class CountingPaginator(Paginator):
    """A paginator whose COUNT comes from the caller's `counter` (e.g. a kept count)."""

    def __init__(self, rows: QuerySet[Any], per_page: int, counter: Counter) -> None:
        super().__init__(rows, per_page)
        self.rows = rows
        self.counter = counter

    @cached_property
    def count(self) -> int:
        return self.counter(self.rows)


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any],
    param: str = "page",
    *,
    count: Counter | None = None,
    count_full_pages: bool = False,
) -> Page[Any]:
    """One page of `rows` (a COUNT and a LIMIT query): no page ever loads every row.

    `count` replaces the COUNT query, e.g. billing's kept count for lists of billing documents,
    whose count at 100,000 rows costs more than the page itself. `count_full_pages` for lists
    that are usually short, like an invoice's history: the first page is read before the count,
    and a short first page is all the rows, so it needs no COUNT."""
    number = request.GET.get(param)
    paginator = (
        Paginator(rows, PAGE_SIZE) if count is None else CountingPaginator(rows, PAGE_SIZE, count)
    )
    if count_full_pages and _shows_first_page(number):
        first = list(rows[:PAGE_SIZE])
        if len(first) < PAGE_SIZE:
            paginator.count = len(first)
        return Page(first, 1, paginator)
    return paginator.get_page(number)


def _shows_first_page(number: str | None) -> bool:
    """Whether `Paginator.get_page(number)` is page 1 whatever the count: "1", or no number."""
    try:
        return int(number) == 1  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


SEARCH_LENGTH = 100
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def search_text(request: HttpRequest) -> tuple[str, str]:
    """A list page's search (`?q=`) and an error to show instead of searching, if any.

    PostgreSQL cannot compare text holding NUL, so control characters are refused up front."""
    text = request.GET.get("q", "").strip()[:SEARCH_LENGTH]
    if CONTROL_CHARACTERS.search(text):
        shown = CONTROL_CHARACTERS.sub("", text)
        return shown, "A search cannot contain control characters: type plain text."
    return text, ""
