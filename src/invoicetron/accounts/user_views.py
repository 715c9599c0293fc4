"""The owner's user management: list, create with a password, deactivate, make owner, unlock,
choose a user's UI language."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.accounts.forms import UserCreateForm, UserLanguageForm
from invoicetron.accounts.lockout import current_locks, unlock
from invoicetron.accounts.models import User
from invoicetron.accounts.services import create_or_update_user, set_active, set_owner
from invoicetron.web.lists import paginate
from invoicetron.web.permissions import owner_required

# What the list says after each change (%(email)s: the user's address).
DONE = {
    "deactivate": gettext_lazy("%(email)s is deactivated: they can no longer sign in."),
    "activate": gettext_lazy("%(email)s is active again."),
    "make-owner": gettext_lazy("%(email)s is now an owner."),
    "remove-owner": gettext_lazy("%(email)s is no longer an owner."),
    "unlock": gettext_lazy("%(email)s can sign in again."),
}


@owner_required
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.order_by("-is_active", "email").only(
        "id", "email", "full_name", "is_owner", "is_active", "last_login", "language"
    )
    page = paginate(request, users)
    locks = current_locks(person.email for person in page)
    for person in page:
        person.lock = locks.get(person.email)
    return render(request, "accounts/users/list.html", {"page": page})


@owner_required
def create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user, _created = create_or_update_user(
            data["email"],
            data["password"],
            owner=data["is_owner"],
            full_name=data["full_name"],
            language=data["language"],
        )
        messages.success(
            request,
            _("%(email)s can now sign in with the password you chose.") % {"email": user.email},
        )
        return redirect("users:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/users/form.html", {"form": form}, status=status)


@owner_required
@require_http_methods(["GET", "POST"])
def language(request: HttpRequest, pk: int) -> HttpResponse:
    """Choose the UI language of another user (their own "Your settings" page offers the same):
    their next page is in it, whatever their browser or cookie says."""
    person = get_object_or_404(User, pk=pk)
    form = UserLanguageForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("%(email)s's language is saved.") % {"email": person.email})
        return redirect("users:list")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "accounts/users/language.html", {"form": form, "person": person}, status=status
    )


@require_POST
@owner_required
def change(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    by = acting_user(request)
    operations = {
        "deactivate": lambda: set_active(user, False, by=by),
        "activate": lambda: set_active(user, True, by=by),
        "make-owner": lambda: set_owner(user, True, by=by),
        "remove-owner": lambda: set_owner(user, False, by=by),
        "unlock": lambda: unlock(user.email, by=by),
    }
    if action not in operations:
        return redirect("users:list")
    try:
        operations[action]()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, DONE[action] % {"email": user.email})
    return redirect("users:list")
