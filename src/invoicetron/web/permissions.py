"""Who may open which page, decided here and nowhere else.

Every signed-in, active user is a member and runs the day-to-day work (billing, quotes, reports,
their own API tokens). Only owners manage the business itself: its profile, tax rates, number
series, emails, reminders, webhooks and users. Every page uses one of the two decorators.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

# Who a guarded view admits, kept on the view so a test can prove that every page has a guard.
ACCESS = "required_access"
MEMBERS = "members"
OWNERS = "owners"


def can_manage_business(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_owner)


def member_required(view: View) -> View:
    """Any signed-in user: the day-to-day work."""
    guarded = login_required(view)
    setattr(guarded, ACCESS, MEMBERS)
    return guarded


def owner_required(view: View) -> View:
    """Owners only: the business settings and users."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_manage_business(request.user):
            raise PermissionDenied(_("Only an owner can change the business settings."))
        return view(request, *args, **kwargs)

    checked = login_required(guarded)
    setattr(checked, ACCESS, OWNERS)
    return checked  # type: ignore[return-value]
