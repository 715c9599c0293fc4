from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from invoicetron.accounts.forms import EmailAuthenticationForm, SetupForm
from invoicetron.accounts.services import (
    FIRST_OWNER_COMMAND,
    create_or_update_user,
    setup_needed,
)
from invoicetron.accounts.two_factor import has_two_factor
from invoicetron.accounts.two_factor_views import begin_code_step


class LoginView(auth_views.LoginView):
    """Sign-in; while no account exists there is nobody to sign in, so it leads to the setup."""

    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if setup_needed():
            return redirect("accounts:setup")
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        # With two-factor sign-in the right password only leads to the code step.
        user = form.get_user()
        if has_two_factor(user):
            return begin_code_step(self.request, user, self.get_success_url())
        return super().form_valid(form)


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """First-run page, only while no account exists: locally a form that creates the owner.

    In production it only says how the operator creates the owner (`invoicetron createuser
    --owner`), so that nobody who reaches a fresh installation first can claim it.
    """
    if not setup_needed():
        raise Http404
    if settings.PRODUCTION:
        if request.method != "GET":
            raise Http404
        return render(request, "accounts/setup.html", {"command": FIRST_OWNER_COMMAND})
    form = SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, _created = create_or_update_user(
            form.cleaned_data["email"],
            form.cleaned_data["password1"],
            owner=True,
            full_name=form.cleaned_data["full_name"],
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Your owner account is ready.")
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/setup.html", {"form": form})
