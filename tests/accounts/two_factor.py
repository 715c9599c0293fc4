"""Helpers for the two-factor tests: read the secret off the page, compute codes like an app."""

from __future__ import annotations

import base64
import html
import re

from django.test import Client
from django_otp.oath import totp


def code(key: bytes, step: int = 0) -> str:
    """The 6-digit code an authenticator app shows now, or `step` periods ahead.

    Each code is accepted once and the server allows one period of clock drift, so a test that
    needs a second code uses the next period's (step=1).
    """
    return f"{totp(key, drift=step):06d}"


def shown_secret(page: str) -> bytes:
    [secret] = re.findall(r'<code id="totp-secret">([A-Z2-7 ]+)</code>', page)
    return base64.b32decode(secret.replace(" ", ""))


def shown_recovery_codes(page: str) -> list[str]:
    return re.findall(r'<li class="recovery-code"><code>([a-z2-7]+)</code></li>', page)


def set_up_two_factor(client: Client) -> tuple[bytes, list[str]]:
    """Turn two-factor sign-in on for the signed-in user; its key and recovery codes."""
    key = shown_secret(client.get("/accounts/two-factor/").content.decode())
    done = client.post("/accounts/two-factor/", {"action": "confirm", "code": code(key)})
    assert done.status_code == 200, html.unescape(done.content.decode())
    return key, shown_recovery_codes(done.content.decode())


def password_step(client: Client, email: str, password: str) -> str:
    response = client.post("/accounts/login/", {"username": email, "password": password})
    assert response.status_code == 302
    return str(response["Location"])


def code_step(client: Client, token: str) -> int:
    return int(client.post("/accounts/login/code/", {"code": token}).status_code)


def signed_in(client: Client) -> bool:
    return client.get("/").status_code == 200
