"""Two-factor sign-in: an authenticator app (TOTP) plus ten single-use recovery codes.

Built on django-otp's devices. A user "has two-factor" once their TOTP device is confirmed with a
first code; the recovery codes are a static device created at the same moment, holding keyed
digests of the codes (the TOTP key itself must stay readable: the codes are computed from it).
A session counts as verified when django-otp's `login` recorded the device that accepted a code
in it (see `middleware.TwoFactorMiddleware` for what happens to sessions that are not).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import segno
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from invoicetron.accounts.models import SignInPolicy, User

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


@dataclass(frozen=True)
class Enrolment:
    """What the setup page shows for a device that is not confirmed yet."""

    device: TOTPDevice

    @property
    def secret(self) -> str:
        """The key in base32, grouped by four, as authenticator apps accept it typed in."""
        text = base64.b32encode(self.device.bin_key).decode().rstrip("=")
        return " ".join(text[i : i + 4] for i in range(0, len(text), 4))

    @property
    def qr_svg(self) -> str:
        """The otpauth:// address as an inline SVG QR code, drawn here (no outside service)."""
        code = segno.make(self.device.config_url, error="m")
        return str(code.svg_inline(scale=4, border=2, dark="#1f2937", light="#ffffff"))


def has_two_factor(user: User) -> bool:
    return bool(user.two_factor_enabled)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def start_enrolment(user: User) -> Enrolment:
    """The user's unconfirmed authenticator device (made once, so a reload shows the same key)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return Enrolment(device)


@transaction.atomic
def confirm_enrolment(request: HttpRequest, user: User, token: str) -> list[str] | None:
    """Confirm the pending device with its first code; returns the new recovery codes.

    None when the code is wrong. The codes are shown once and kept only by django-otp's static
    device. The current session becomes verified; the user's other sessions must sign in again.
    """
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(normalise(token)):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save()
    User.objects.filter(pk=user.pk).update(two_factor_enabled=True)
    user.two_factor_enabled = True
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=recovery, token=stored_recovery_code(code)) for code in codes
    )
    otp_login(request, device)
    return codes


@transaction.atomic
def disable(user: User) -> None:
    """Remove the authenticator and the recovery codes: sign-in is by password alone again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(two_factor_enabled=False)
    user.two_factor_enabled = False


def normalise(token: str) -> str:
    """Codes as people type them: spaces and dashes dropped, recovery codes in any case."""
    return "".join(token.split()).replace("-", "").lower()


def stored_recovery_code(code: str) -> str:
    """How a recovery code is kept: a keyed digest, never the code (16 characters: the column's
    size in django-otp). Changing SECRET_KEY therefore voids the recovery codes, not the app."""
    digest = salted_hmac("invoicetron.accounts.recovery-code", normalise(code)).digest()
    return base64.b32encode(digest).decode()[:16].lower()


def verify_code(user: User, token: str) -> Device | None:
    """The confirmed device (authenticator or recovery codes) that accepts `token`, if any.

    A recovery code is used up by a match; an authenticator code is never accepted twice.
    """
    token = normalise(token)
    if not token:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            given = stored_recovery_code(token) if isinstance(device, StaticDevice) else token
            if device.verify_token(given):
                return device
    return None


def record_wrong_code(request: HttpRequest, user: User) -> None:
    """Count a wrong code as a failed sign-in of this user, in the same lockout as passwords."""
    user_login_failed.send(sender=__name__, credentials=lockout_credentials(user), request=request)


def lockout_credentials(user: User) -> dict[str, str]:
    """What the lockout (django-axes) keys a failure on: the sign-in form's username field."""
    return {"username": user.email}


def required_for_everyone() -> bool:
    return SignInPolicy.objects.filter(pk=1, require_two_factor=True).exists()


def must_set_up(user: User) -> bool:
    """True while the owner requires two-factor sign-in and this user has not set it up."""
    return bool(user.two_factor_required and not user.two_factor_enabled)


def set_required_for_everyone(required: bool, *, by: User) -> None:
    """The owner's switch. Users without a device are sent to set one up at their next page.

    The owner turning it on must have two-factor sign-in already (or they would be the first to be
    stopped by the switch they just turned on).
    """
    if required and not has_two_factor(by):
        raise ValidationError(
            _("Set up two-factor sign-in for yourself first, then require it for everyone.")
        )
    with transaction.atomic():
        SignInPolicy.objects.update_or_create(
            pk=1, defaults={"require_two_factor": required, "updated_by": by}
        )
        # Copied onto every user, so that a request needs no query to apply it.
        User.objects.update(two_factor_required=required)
