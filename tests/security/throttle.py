"""Signing in through the form and moving the sign-in throttle's clock, for the security tests."""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from tests.fixtures.users import OWNER_PASSWORD


def sign_in(client: Client, email: str, password: str = OWNER_PASSWORD, **meta: str) -> int:
    """POST the sign-in form as a browser would; the status is 302 when it let the user in."""
    meta.setdefault("REMOTE_ADDR", "203.0.113.9")
    response = client.post("/accounts/login/", {"username": email, "password": password}, **meta)
    return response.status_code


def lock(email: str, **meta: str) -> None:
    """Five wrong passwords: the fifth is answered with the lock."""
    for _ in range(4):
        assert sign_in(Client(), email, "wrong-password", **meta) == 200
    assert sign_in(Client(), email, "wrong-password", **meta) == 429


def minutes_pass(minutes: float) -> None:
    """Move the clock of the sign-in throttle: every recorded failure becomes older."""
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - datetime.timedelta(minutes=minutes)
    )
