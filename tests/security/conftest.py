from __future__ import annotations

import datetime
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.db.models import F
from django.test import Client

from tests.conftest import OWNER_PASSWORD


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Argon2 is deliberately slow and these tests sign in many times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
