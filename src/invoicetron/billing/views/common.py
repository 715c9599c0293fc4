"""Helpers every billing view uses: pagination, and the acting user."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

from invoicetron.accounts.models import User
from invoicetron.billing.services.changes import billing_count

PAGE_SIZE = 25


class KeptCountPaginator(Paginator):
    """Its COUNT is reused while billing data is unchanged (see services.changes)."""

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        return billing_count(rows) if isinstance(rows, QuerySet) else len(rows)


def paginate(
    request: HttpRequest, rows: QuerySet[Any], param: str = "page", *, keep_count: bool = False
) -> Page[Any]:
    """One page of `rows` (a COUNT and a LIMIT query): no page ever loads every row.

    `keep_count` for lists of billing documents, whose count at 100,000 rows costs more than the
    page itself."""
    paginator = KeptCountPaginator if keep_count else Paginator
    return paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "billing views are for signed-in users only"
    return user
