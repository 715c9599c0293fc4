"""Who may do what in the billing pages, decided here and nowhere else.

Every signed-in, active user runs the billing (clients, products, invoices, payments, credit
notes). Only owners manage the business itself: its profile, tax rates, number series and users.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

View = TypeVar("View", bound=Callable[..., HttpResponse])


def can_manage_business(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_owner)


def member_required(view: View) -> View:
    """Any signed-in user: the day-to-day billing."""
    return login_required(view)


def owner_required(view: View) -> View:
    """Owners only: business profile, tax rates, number series and users."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can_manage_business(request.user):
            raise PermissionDenied("Only an owner can change the business settings.")
        return view(request, *args, **kwargs)

    return login_required(guarded)  # type: ignore[return-value]
