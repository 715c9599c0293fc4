"""Account operations shared by the CLI, the setup page and (later) the owner's user management."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from invoicetron.accounts.models import User


@transaction.atomic
def create_or_update_user(
    email: str, password: str | None, *, owner: bool = False, full_name: str | None = None
) -> tuple[User, bool]:
    """Create the user, or update the password/owner flag of an existing one.

    Returns the user and whether it was created. Raises ValidationError for a weak password.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(email=email)
    if full_name is not None:
        user.full_name = full_name
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    if owner:
        user.is_owner = True
    user.save()
    return user, created


def setup_needed() -> bool:
    """True until the first account exists (the first-run setup page is offered until then)."""
    return not User.objects.exists()
