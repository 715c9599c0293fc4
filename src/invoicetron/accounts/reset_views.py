"""Password reset pages: Django's views with the app's templates and a per-client limit."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic.edit import FormView

from invoicetron.accounts.lockout import client_address, unlock
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


@method_decorator([sensitive_post_parameters(), never_cache], name="dispatch")
class ConfirmView(auth_views.PasswordResetConfirmView):
    """Django's view, fed from the query string (GET) or the form (POST) instead of the path.

    Its own dispatch would move the token into the session; here the page carries it in hidden
    fields, so it is stored nowhere (see password_reset.reset_link). The token check, the form
    and the single use (the token hashes the password and the last sign-in) are Django's.
    """

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        given = request.POST if request.method == "POST" else request.GET
        self.uid, self.token = given.get("u", ""), given.get("t", "")
        self.user = self.get_user(self.uid)
        self.validlink = self.user is not None and self.token_generator.check_token(
            self.user, self.token
        )
        if not self.validlink:
            return self.render_to_response(self.get_context_data())
        return FormView.dispatch(self, request, *args, **kwargs)

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        form.save()
        # Whoever opened the emailed link controls the mailbox: the way out of a lock, as
        # `invoicetron password` is for the operator.
        unlock(form.user.email, by=form.user)
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "uid": self.uid, "token": self.token}


complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
