"""People who sign in. One business per installation; the owner manages the other users."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def normalise_email(email: str) -> str:
    """The one spelling of an address: how accounts are stored, looked up and throttled."""
    return email.strip().lower()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError(_("An email address is required."))
        user = self.model(email=normalise_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_owner=True, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email=normalise_email(username or ""))


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    is_owner = models.BooleanField(
        _("owner"),
        default=False,
        help_text=_("Owners manage the business settings and the other users."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # The UI language this user chose; blank follows the business's default (its profile's
    # locale), see billing.language.UserLanguageMiddleware.
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of your pages. Documents use their client's language."),
    )
    # A copy of "has a confirmed authenticator device", kept by accounts.two_factor when it is
    # turned on or off, so that no request needs a query of django-otp's tables to know it.
    two_factor_enabled = models.BooleanField(_("two-factor sign-in"), default=False, editable=False)
    # The owner's "require two-factor sign-in for everyone" (SignInPolicy), copied onto every user
    # for the same reason; a new user takes the policy's value when created.
    two_factor_required = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints: ClassVar = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        if self._state.adding:
            self.two_factor_required = SignInPolicy.objects.filter(
                pk=1, require_two_factor=True
            ).exists()
        super().save(*args, **kwargs)


class SignInPolicy(models.Model):
    """The business's sign-in rules: one row (pk 1), changed by an owner; absent means defaults."""

    require_two_factor = models.BooleanField(
        default=False,
        help_text=_(
            "Everyone must sign in with an authenticator code (API tokens are unaffected)."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("sign-in policy")
        verbose_name_plural = _("sign-in policy")

    def __str__(self) -> str:
        return str(
            _("two-factor required") if self.require_two_factor else _("two-factor optional")
        )
