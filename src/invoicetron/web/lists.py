"""List pages: one page of rows, and the search box's text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

PAGE_SIZE = 25
# Rows a page may skip before it is read in two steps (see `rows_between`): below this, OFFSET
# over whole rows costs less than the second query.
DEEP_ROWS = 1000

Counter = Callable[[QuerySet[Any]], int]


def rows_between(rows: QuerySet[Any], start: int, stop: int) -> list[Any]:
    """`rows[start:stop]`: the same rows in the same order, affordable at any depth.

    OFFSET makes PostgreSQL build and drop every skipped row: for a list's page 2,000 of 4,000,
    50,000 rows with their joins (the API's `offset=99000`: 86 ms). Past DEEP_ROWS the window's
    ids are found first, by the same ORDER BY … OFFSET over the id alone (an index-only scan when
    an index holds the order, as the lists' do), then its rows by id. A row deleted between the
    two queries is left out; rows are model instances or `.values()` dicts holding "id"."""
    if start < DEEP_ROWS:
        return list(rows[start:stop])
    ids = list(rows.values_list("pk", flat=True)[start:stop])
    found = {row_id(row): row for row in rows.order_by().filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


def row_id(row: Any) -> int:
    """The id of a model instance or of a `.values()` dict (which must include "id")."""
    return int(row["id"] if isinstance(row, dict) else row.pk)


def ends_with_id(rows: QuerySet[Any]) -> bool:
    """Whether the rows' order ends with their id: a total order, whose reverse is exact."""
    query = rows.query
    order = query.order_by or (rows.model._meta.ordering if query.default_ordering else ())
    return bool(order) and str(order[-1]).lstrip("-") in {"id", "pk"}


class LazyRows(Sequence[Any]):
    """A page's rows, read on first use: a page whose rendering is kept (a `{% cache %}` block)
    reads none."""

    def __init__(self, read: Callable[[], list[Any]]) -> None:
        self.read = read

    @cached_property
    def items(self) -> list[Any]:
        return self.read()

    def __getitem__(self, index: Any) -> Any:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)


class ListPaginator(Paginator):
    """Pages of a list, none of them an OFFSET scan of half the list.

    Each page is read by `rows_between`; pages past the middle are read from the other end, in
    the reverse order, when that order is exact (it ends with the id): the last page of 100,000
    invoices reads 25 entries of the list's index backwards instead of skipping 99,975 rows.
    A page's rows are read when first used (`LazyRows`). `counter` replaces the COUNT query,
    e.g. billing's kept count (billing.caching)."""

    def __init__(self, rows: QuerySet[Any], per_page: int, counter: Counter | None = None) -> None:
        super().__init__(rows, per_page)
        self.rows = rows
        self.counter = counter

    @cached_property
    def count(self) -> int:
        return self.rows.count() if self.counter is None else self.counter(self.rows)

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        if bottom <= self.count // 2 or not ends_with_id(self.rows):
            return Page(LazyRows(lambda: rows_between(self.rows, bottom, top)), number, self)
        from_end = self.count - top
        reverse = self.rows.reverse()
        backwards = LazyRows(lambda: rows_between(reverse, from_end, from_end + top - bottom)[::-1])
        return Page(backwards, number, self)


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
    paginator = ListPaginator(rows, PAGE_SIZE, count)
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
