"""Password reset by email, with Django's own single-use, expiring tokens.

The request only queues a job holding the user's id: no mail server is contacted while the person
waits (which would also make a known address slower to answer than an unknown one), and no link
is stored anywhere. The worker makes the link when it sends the email, so it is valid for
PASSWORD_RESET_TIMEOUT from then; it stops working once the password changes or the user signs in.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from invoicetron.accounts.models import User

# At most this many emails per address, and requests per client address, in THROTTLE_SECONDS.
# Counters live in the cache (per process with the default local-memory cache).
PER_ADDRESS = 3
PER_CLIENT = 10
THROTTLE_SECONDS = 3600
SUBJECT = _("Reset your Invoicetron password")


class ResetRequestForm(PasswordResetForm):
    """Django's form; saving queues one email job per matching active user with a password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget.attrs.update({"autofocus": True})

    def save(self, *args: Any, **kwargs: Any) -> None:
        email = self.cleaned_data["email"]
        if over_limit("address", email.strip().lower(), PER_ADDRESS):
            return  # silently: the page must not tell whether the address has an account
        for user in self.get_users(email):
            send_password_reset.defer(user_id=user.pk, language=translation.get_language() or "")


def over_limit(kind: str, value: str, limit: int) -> bool:
    """Count one request for `value`; True once more than `limit` were made in the window."""
    key = f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"
    cache.add(key, 0, THROTTLE_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, THROTTLE_SECONDS)
        count = 1
    return count > limit


def reset_link(user: User) -> str:
    """A fresh link for the user, on the installation's public address (APP_URL).

    The token travels in the query string, which the access log leaves out (a path would be
    logged), and the page keeps it in its form rather than in the session (Django's view would
    store it in the session table until the password is set).
    """
    query = urlencode(
        {
            "u": urlsafe_base64_encode(force_bytes(user.pk)),
            "t": default_token_generator.make_token(user),
        }
    )
    return f"{settings.APP_URL}{reverse('accounts:password_reset_confirm')}?{query}"


def send_reset_email(user_id: int, language: str = "") -> bool:
    """The job's body: email a link to the user if they may still reset. True when sent.

    In the user's language, else `language` (the page's, where the link was asked for).

    A failure to reach the mail server raises, and the job is tried again later.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return False
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "accounts/password_reset_email.txt",
            {"user": user, "link": reset_link(user), "minutes": minutes},
        )
        subject = str(SUBJECT)
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    return True


# The job holds only the user's id: the link is made when the email is sent, never stored. It is
# declared here, beside the code it runs; tasks.py re-exports it for procrastinate's autodiscovery.
@app.task(
    name="accounts.send_password_reset",
    retry=RetryStrategy(max_attempts=4, exponential_wait=5),  # about 25 s, 2 min, 10 min
)
def send_password_reset(user_id: int, language: str = "") -> None:
    send_reset_email(user_id, language)
