"""Who is calling: a personal API token (Authorization: Bearer), or a browser session.

A token's scope is enforced here for every operation: a read-only token may only use safe
methods. Sessions are checked for CSRF on unsafe methods; tokens are not (a browser never sends
them by itself, so there is nothing to forge).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from invoicetron.accounts.models import User
from invoicetron.api.errors import ApiError
from invoicetron.api.models import ApiToken
from invoicetron.api.tokens import find_active_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    """The authenticated caller of one request: a signed-in user, or a token acting as its user."""

    session_user: User | None = None
    token: ApiToken | None = None

    @cached_property
    def user(self) -> User:
        # A token's user is loaded when an operation asks for it (writes do, reads never): the
        # token's query already refused users who may not sign in.
        if self.token is not None:
            return self.token.user
        assert self.session_user is not None
        return self.session_user

    @property
    def idempotency_owner(self) -> str:
        return f"token:{self.token.pk}" if self.token else f"user:{self.user.pk}"


class TokenAuth(HttpBearer):
    def __call__(self, request: HttpRequest) -> Caller | None:
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _space, secret = header.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(401, "The Authorization header must be `Bearer <token>`.")
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Caller:
        # A token that is present but wrong fails at once, even beside a valid session.
        found = find_active_token(token)
        if found is None:
            raise ApiError(401, "This API token is unknown or revoked.", code="invalid_token")
        if request.method not in SAFE_METHODS and not found.can_write:
            raise ApiError(
                403, "This token is read-only; create a read-write token.", code="read_only_token"
            )
        return Caller(token=found)


class SessionAuth(APIKeyCookie):
    """The signed-in browser user; CSRF-checked on unsafe methods, like any form post."""

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def _get_key(self, request: HttpRequest) -> str | None:
        # Only a signed-in session needs the CSRF check; anyone else gets a plain 401.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(
                403,
                "CSRF check failed: browser sessions must send the X-CSRFToken header.",
                code="csrf_failed",
            )
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return Caller(session_user=user)
        return None


def caller(request: HttpRequest) -> Caller:
    """The caller that authentication attached to the request."""
    found = getattr(request, "auth", None)
    if not isinstance(found, Caller):
        raise ApiError(401, "Authentication required.")
    return found
