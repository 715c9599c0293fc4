"""Account operations shared by the CLI, the setup page and (later) the owner's user management."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from invoicetron.accounts.models import User

# How the operator of a production installation creates its first owner (production has no
# sign-up form: whoever reached a fresh installation first could claim it).
FIRST_OWNER_COMMAND = "invoicetron createuser --owner --email you@example.com --password-stdin"


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


@transaction.atomic
def set_active(user: User, active: bool, *, by: User) -> None:
    """Let a user sign in again, or stop them (their sessions end at their next request)."""
    if not active and user.pk == by.pk:
        raise ValidationError("You cannot deactivate your own account.")
    if not active and user.is_owner and _other_active_owners(user) == 0:
        raise ValidationError("Make someone else an owner before deactivating the last owner.")
    user.is_active = active
    user.save(update_fields=["is_active"])


@transaction.atomic
def set_owner(user: User, owner: bool, *, by: User) -> None:
    """Give or take the owner role (owners manage the business settings and the users)."""
    if not owner and user.pk == by.pk:
        raise ValidationError("You cannot remove your own owner role; ask another owner.")
    if owner and not user.is_active:
        raise ValidationError("Reactivate this user before making them an owner.")
    user.is_owner = owner
    user.save(update_fields=["is_owner"])


def _other_active_owners(user: User) -> int:
    others = User.objects.select_for_update().filter(is_owner=True, is_active=True)
    return others.exclude(pk=user.pk).count()
