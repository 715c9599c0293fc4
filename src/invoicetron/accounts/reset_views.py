"""Password reset pages: Django's views with the app's templates and a per-client limit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse_lazy

from invoicetron.accounts.lockout import client_address
from invoicetron.accounts.password_reset import PER_CLIENT, ResetRequestForm, over_limit


class ResetRequestView(auth_views.PasswordResetView):
    """Ask for a link. Every address gets the same answer, "sent" page included."""

    template_name = "accounts/password_reset.html"
    form_class = ResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_sent")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        client = client_address(request) or "unknown"
        if over_limit("client", client, PER_CLIENT):
            return render(request, "accounts/password_reset_wait.html", status=429)
        return super().post(request, *args, **kwargs)


class SentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "timeout_minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }


confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
