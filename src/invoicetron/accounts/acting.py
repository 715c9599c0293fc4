"""The user a signed-in page acts for, typed as this project's User.

It lives here, not in the UI kit (web), because web names no app's model."""

from __future__ import annotations

from django.http import HttpRequest

from invoicetron.accounts.models import User


def acting_user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "these views are for signed-in users only"
    return user
