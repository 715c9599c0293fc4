from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from invoicetron.accounts.forms import EmailAuthenticationForm, ProfileForm, SetupForm
from invoicetron.accounts.services import (
    FIRST_OWNER_COMMAND,
    create_or_update_user,
    setup_needed,
)
from invoicetron.accounts.two_factor import has_two_factor
from invoicetron.accounts.two_factor_views import begin_code_step
from invoicetron.web.permissions import member_required


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
        messages.success(request, _("Your owner account is ready."))
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/setup.html", {"form": form})


@member_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own settings: name and UI language (password and two-factor linked)."""
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # The page after the redirect, and the message on it, speak the language just chosen.
        language = user.language or None
        translation.activate(language or settings.LANGUAGE_CODE)
        messages.success(request, _("Your settings are saved."))
        response = redirect("accounts:profile")
        remember_language(response, language)
        return response
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/profile.html", {"form": form}, status=status)


def remember_language(response: HttpResponse, language: str | None) -> None:
    """The language cookie follows a saved choice (so the sign-in page keeps it after signing
    out); a user who goes back to the business's default drops it, or it would outrank that."""
    if language is None:
        response.delete_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
