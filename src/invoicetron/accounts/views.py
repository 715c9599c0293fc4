from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from invoicetron.accounts.forms import SetupForm
from invoicetron.accounts.services import create_or_update_user, setup_needed


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """First-run page that creates the owner, offered locally only and only while no account exists.

    In production the owner is created with `invoicetron createuser --owner`, so that nobody
    who reaches a fresh installation first can claim it.
    """
    if settings.PRODUCTION or not setup_needed():
        raise Http404
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
