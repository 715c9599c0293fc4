"""The API tokens page: list your tokens (owners see everyone's), create one, revoke one."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.api.tokens import TokenError, create_token, revoke_token, visible_tokens
from invoicetron.web.permissions import member_required


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        label=_("Name"),
        help_text=_("What uses it, e.g. “accounting sync”: shown in this list."),
    )
    read_only = forms.BooleanField(
        required=False,
        label=_("Read only"),
        help_text=_("The token may read but never change data."),
    )


@member_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            new = create_token(
                user, form.cleaned_data["name"], read_only=form.cleaned_data["read_only"]
            )
        except TokenError as error:
            form.add_error("name", str(error))
        else:
            secret = new.secret  # rendered once, in this response only
            form = TokenForm()
    context = {"form": form, "tokens": visible_tokens(user), "secret": secret}
    response = render(request, "api/tokens.html", context)
    response["Cache-Control"] = "no-store"  # the page may hold a new token
    return response


@member_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = visible_tokens(acting_user(request)).filter(pk=pk).first()
    if token is None:
        raise Http404
    revoke_token(token)
    return redirect("api_tokens:list")
