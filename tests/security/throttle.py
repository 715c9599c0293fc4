"""Signing in through the form and moving the sign-in throttle's clock, for the security tests."""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from tests.fixtures.users import sign_in


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
