"""Two-factor pages: the code step of sign-in, the user's set-up page, the owner's switch."""

from __future__ import annotations

import time
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from invoicetron.accounts import two_factor
from invoicetron.accounts.acting import acting_user
from invoicetron.accounts.models import User
from invoicetron.accounts.two_factor_forms import WRONG_CODE, CodeForm, PolicyForm
from invoicetron.web.permissions import member_required, owner_required

# Between a right password and the code: which user, for how long. The session is still anonymous.
PENDING_KEY = "two_factor_pending"
PENDING_SECONDS = 300


def begin_code_step(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    """After the right password of a user with two-factor: remember them and ask for a code.

    `next_url` must already be checked as safe (LoginView.get_success_url does).
    """
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", ""),
        # A password change meanwhile ends the pending sign-in.
        "hash": user.get_session_auth_hash(),
        "next": next_url,
        "since": int(time.time()),
    }
    return redirect("accounts:login_code")


def _pending(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or time.time() - data.get("since", 0) > PENDING_SECONDS:
        return None
    user = User.objects.filter(pk=data.get("user", 0), is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), data["hash"]):
        return None
    return user, data


def _locked(request: HttpRequest, user: User) -> HttpResponse | None:
    credentials = two_factor.lockout_credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, None, credentials)
    return None


@require_http_methods(["GET", "POST"])
def login_code(request: HttpRequest) -> HttpResponse:
    """Second step of sign-in; the session is signed in only once a code is right."""
    pending = _pending(request)
    if pending is None:
        request.session.pop(PENDING_KEY, None)
        return redirect("accounts:login")
    user, data = pending
    if (locked := _locked(request, user)) is not None:
        del request.session[PENDING_KEY]
        return locked
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.verify_code(user, form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING_KEY]
            login(request, user, backend=data["backend"] or None)
            otp_login(request, device)
            return redirect(data["next"])
        form.add_error("code", WRONG_CODE)
        two_factor.record_wrong_code(request, user)  # may lock: axes then answers for us
    return render(request, "accounts/login_code.html", {"form": form})


@member_required
@require_http_methods(["GET", "POST"])
def two_factor_page(request: HttpRequest) -> HttpResponse:
    """Set up (secret, QR code, first code, recovery codes shown once) or turn off."""
    user = acting_user(request)
    enabled = two_factor.has_two_factor(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if not enabled:  # no recovery codes yet
        form.fields["code"].help_text = _("The 6-digit code your authenticator app shows now.")
    action = request.POST.get("action")
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        if action == "confirm" and not enabled:
            codes = two_factor.confirm_enrolment(request, user, code)
            if codes is not None:
                return render(request, "accounts/two_factor_codes.html", {"codes": codes})
            form.add_error("code", WRONG_CODE)
        elif action == "disable" and enabled:
            if (locked := _locked(request, user)) is not None:
                return locked
            if two_factor.verify_code(user, code) is not None:
                two_factor.disable(user)
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("accounts:two_factor")
            form.add_error("code", WRONG_CODE)
            two_factor.record_wrong_code(request, user)
    context: dict[str, Any] = {
        "enabled": enabled,
        "form": form,
        "required": two_factor.required_for_everyone(),
    }
    if enabled:
        context["codes_left"] = two_factor.recovery_codes_left(user)
    else:
        context["enrolment"] = two_factor.start_enrolment(user)
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/two_factor.html", context, status=status)


@require_POST
@owner_required
def policy(request: HttpRequest) -> HttpResponse:
    """The owner's switch: require two-factor sign-in of everyone, or not."""
    user = acting_user(request)
    form = PolicyForm(request.POST)
    if form.is_valid():
        required = form.cleaned_data["require"]
        try:
            two_factor.set_required_for_everyone(required, by=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if required:
                messages.success(request, _("Two-factor sign-in is now required for everyone."))
            else:
                messages.success(request, _("Two-factor sign-in is now optional."))
    return redirect("users:list")
