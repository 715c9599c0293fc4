"""Sign in, use a token, fail to sign in: the server's log never holds a password or a secret."""

from __future__ import annotations

import secrets
import signal
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.processes import http_get
from tests.reliability.server import PASSWORD, Prepared, sign_in, start_app

pytestmark = pytest.mark.slow


def test_nothing_in_the_logs_contains_a_password_a_token_or_a_secret(
    prepared: Prepared, tmp_path: Path
) -> None:
    secret_key = "log-check-" + secrets.token_urlsafe(40)
    app = start_app(prepared, tmp_path / "server.log", LOG_LEVEL="debug", SECRET_KEY=secret_key)
    wrong_password = "Wrong-Guess-" + secrets.token_hex(8)
    try:
        session = sign_in(app.base)
        assert session, "signed in"
        sign_in(app.base, password=wrong_password)
        bearer = {"Authorization": f"Bearer {prepared.token}"}
        assert http_get(f"{app.base}/api/v1/invoices", bearer)[0] == 200
        assert http_get(f"{app.base}/api/v1/invoices?token={prepared.token}")[0] == 401
        assert http_get(f"{app.base}/api/v1/clients", {"Authorization": "Bearer itron_x"})[0] == 401
        http_get(f"{app.base}/invoices/", {"Cookie": f"sessionid={session}"})
        request = urllib.request.Request(f"{app.base}/api/health?password={PASSWORD}")
        urllib.request.urlopen(request, timeout=5).read()
    finally:
        app.process.send_signal(signal.SIGTERM)
        app.process.wait(timeout=20)
    log = app.output()

    assert '"path": "/accounts/login/"' in log, "the log saw the sign-ins"
    for name, value in {
        "password": PASSWORD,
        "wrong password": wrong_password,
        "API token": prepared.token,
        "session id": session,
        "SECRET_KEY": secret_key,
    }.items():
        assert value not in log, f"the {name} appears in the server log"
