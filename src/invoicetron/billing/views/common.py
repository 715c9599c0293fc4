"""Helpers every billing view uses: pagination, and the acting user."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

from invoicetron.accounts.models import User

PAGE_SIZE = 25


def paginate(request: HttpRequest, rows: QuerySet[Any], param: str = "page") -> Page[Any]:
    """One page of `rows` (a COUNT and a LIMIT query): no page ever loads every row."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "billing views are for signed-in users only"
    return user
