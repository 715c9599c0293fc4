"""Account operations shared by the CLI, the setup page and the owner's user management."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicetron.accounts.lockout import unlock
from invoicetron.accounts.models import User, normalise_email
from invoicetron.accounts.signals import user_deactivated

# How the operator of a production installation creates its first owner (production has no
# sign-up form: whoever reached a fresh installation first could claim it).
FIRST_OWNER_COMMAND = "invoicetron createuser --owner --email you@example.com --password-stdin"


@transaction.atomic
def create_or_update_user(
    email: str,
    password: str | None,
    *,
    owner: bool = False,
    full_name: str | None = None,
    language: str | None = None,
) -> tuple[User, bool]:
    """Create the user, or update the password/owner flag (and name, UI language) of an existing
    one; `language` is a code of settings.LANGUAGES or "" for the business's default.

    Returns the user and whether it was created. Raises ValidationError for a weak password.
    """
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(email=email)
    if full_name is not None:
        user.full_name = full_name
    if language is not None:
        user.language = language
    if password is not None:
        validate_password(password, user)
        user.set_password(password)
    elif created:
        user.set_unusable_password()
    if owner:
        user.is_owner = True
    user.save()
    return user, created


class UnknownAccount(LookupError):
    """No account has the address; the message says so."""


@transaction.atomic
def reset_password(email: str, password: str) -> User:
    """The operator's reset of a forgotten password: set it, lift the lock, end old sign-ins.

    Changing the password invalidates every session signed in with the old one. Raises
    UnknownAccount for an address no account has, ValidationError for a weak password.
    """
    email = normalise_email(email)
    user = User.objects.select_for_update().filter(email=email).first()
    if user is None:
        raise UnknownAccount(
            f"No account has the email {email}. Check the spelling, or create it with "
            "`invoicetron createuser`."
        )
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    unlock(email)
    return user


def setup_needed() -> bool:
    """True until the first account exists (the first-run setup page is offered until then)."""
    return not User.objects.exists()


@transaction.atomic
def set_active(user: User, active: bool, *, by: User) -> None:
    """Let a user sign in again, or stop them.

    Deactivation ends their sessions and, through the `user_deactivated` signal, revokes their API
    tokens: for good, so that reactivating them later needs a new sign-in and new tokens.
    """
    if not active and user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate your own account."))
    if not active and user.is_owner and _other_active_owners(user) == 0:
        raise ValidationError(_("Make someone else an owner before deactivating the last owner."))
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_sessions(user)
        user_deactivated.send(sender=User, user=user)


def end_sessions(user: User) -> int:
    """Delete every session signed in as this user; returns how many there were.

    Sessions are stored signed and encoded, with no column naming the user, so each live session
    is decoded: a rare owner action over the live sessions of a small business.
    """
    ended = 0
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            # Through the session engine: it also drops this process's kept copy.
            store.delete(session.session_key)
            ended += 1
    return ended


@transaction.atomic
def set_owner(user: User, owner: bool, *, by: User) -> None:
    """Give or take the owner role (owners manage the business settings and the users)."""
    if not owner and user.pk == by.pk:
        raise ValidationError(_("You cannot remove your own owner role; ask another owner."))
    if owner and not user.is_active:
        raise ValidationError(_("Reactivate this user before making them an owner."))
    user.is_owner = owner
    user.save(update_fields=["is_owner"])


def _other_active_owners(user: User) -> int:
    others = User.objects.select_for_update().filter(is_owner=True, is_active=True)
    return others.exclude(pk=user.pk).count()
