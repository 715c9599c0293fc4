"""Two-factor rules for signed-in browser sessions (API tokens never pass through here).

After django-otp's OTPMiddleware has said which device, if any, verified the session:
- a user who has two-factor sign-in but whose session no code verified (it began before they
  turned it on) is signed out and must sign in again with a code;
- while the owner requires two-factor sign-in for everyone, a user without it can only reach the
  set-up page and sign out; other pages send them there (API calls get a 403 that says so).
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from invoicetron.accounts import two_factor

SETUP_MESSAGE = _("Your business requires two-factor sign-in: set it up to continue.")
SIGN_IN_MESSAGE = _("Two-factor sign-in was turned on for this account: sign in again with a code.")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_token_call(request):
            return self.get_response(request)
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
            return self.get_response(request)
        if two_factor.has_two_factor(user):
            logout(request)
            return _refuse(request, "accounts:login", 401, "not_authenticated", SIGN_IN_MESSAGE)
        if two_factor.must_set_up(user) and not _allowed_while_unset(request):
            return _refuse(
                request, "accounts:two_factor", 403, "two_factor_required", SETUP_MESSAGE
            )
        return self.get_response(request)


def _refuse(
    request: HttpRequest, page: str, status: int, code: str, message: str | Promise
) -> HttpResponse:
    """Pages redirect; API calls get the API's error shape (accounts cannot import the api app)."""
    if request.path_info.startswith("/api/"):
        with translation.override("en"):  # the API answers in English
            body = {"code": code, "message": str(message), "fields": []}
        return JsonResponse({"error": body}, status=status)
    return redirect(page)


def _is_token_call(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") and "Authorization" in request.headers


def _allowed_while_unset(request: HttpRequest) -> bool:
    path = request.path_info
    return path in (reverse("accounts:two_factor"), reverse("accounts:logout")) or path.startswith(
        "/static/"
    )
