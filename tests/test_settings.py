"""The settings module refuses bad configuration at start-up, naming the variable to fix."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

STRONG_KEY = "k3J9-vQ2xL7pR4tY8wE1zU6iO0aS5dF3gH2jK9lM"
PRODUCTION = {
    "INVOICETRON_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "APP_URL": "https://invoicetron.k8s.rommelporras.com",
    "DATABASE_URL": "postgresql://invoicetron:hex0123@invoicetron-db:5432/invoicetron",
}
UNSET = (
    "DEBUG",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "BETTER_AUTH_SECRET",
    "BETTER_AUTH_SECRET_FILE",
    "ADDITIONAL_TRUSTED_ORIGINS",
    "TRUST_PROXY_HEADERS",
    "DATABASE_URL_FILE",
)


def load_settings(monkeypatch: pytest.MonkeyPatch, **environment: str) -> dict[str, Any]:
    for name in UNSET:
        monkeypatch.delenv(name, raising=False)
    for name, value in {**PRODUCTION, **environment}.items():
        if value == "":
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    import invoicetron.settings

    return runpy.run_path(invoicetron.settings.__file__)


def test_production_defaults_are_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(monkeypatch)
    assert settings["DEBUG"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_HSTS_SECONDS"] > 0
    assert settings["ALLOWED_HOSTS"] == ["invoicetron.k8s.rommelporras.com"]
    assert "SECURE_PROXY_SSL_HEADER" not in settings


def test_app_url_and_additional_origins_make_hosts_and_trusted_origins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = load_settings(
        monkeypatch,
        APP_URL="https://invoicetron.rommelporras.com",
        ADDITIONAL_TRUSTED_ORIGINS="https://invoicetron.k8s.rommelporras.com, http://10.0.0.5:3000",
    )
    assert settings["CSRF_TRUSTED_ORIGINS"] == [
        "https://invoicetron.rommelporras.com",
        "https://invoicetron.k8s.rommelporras.com",
        "http://10.0.0.5:3000",
    ]
    assert settings["ALLOWED_HOSTS"] == [
        "10.0.0.5",
        "invoicetron.k8s.rommelporras.com",
        "invoicetron.rommelporras.com",
    ]


def test_plain_http_app_url_does_not_mark_cookies_secure(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(monkeypatch, APP_URL="http://invoices.lan:3000")
    assert settings["SESSION_COOKIE_SECURE"] is False
    assert settings["SECURE_HSTS_SECONDS"] == 0


def test_proxy_headers_are_trusted_only_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(monkeypatch, TRUST_PROXY_HEADERS="true")
    assert settings["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    # The throttle reads X-Forwarded-For through this flag (tests/security/test_sign_in_lockout.py).
    assert settings["TRUST_PROXY_HEADERS"] is True
    assert load_settings(monkeypatch)["TRUST_PROXY_HEADERS"] is False


def test_better_auth_secret_is_accepted_as_the_secret_key(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(monkeypatch, SECRET_KEY="", BETTER_AUTH_SECRET=STRONG_KEY[::-1])
    assert settings["SECRET_KEY"] == STRONG_KEY[::-1]


def test_secrets_can_come_from_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "key").write_text(STRONG_KEY + "\n")
    (tmp_path / "url").write_text("postgresql://app:pw@db.internal:5432/books\n")
    settings = load_settings(
        monkeypatch,
        SECRET_KEY="",
        DATABASE_URL="",
        SECRET_KEY_FILE=str(tmp_path / "key"),
        DATABASE_URL_FILE=str(tmp_path / "url"),
    )
    assert settings["SECRET_KEY"] == STRONG_KEY
    assert settings["DATABASES"]["default"]["NAME"] == "books"


@pytest.mark.parametrize(
    ("environment", "variable", "advice"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set", "secrets.token_urlsafe"),
        ({"SECRET_KEY": "changeme"}, "SECRET_KEY is a placeholder", "secrets.token_urlsafe"),
        ({"SECRET_KEY": "tooShort123"}, "SECRET_KEY is too short", "secrets.token_urlsafe"),
        ({"APP_URL": ""}, "APP_URL is not set", "public URL"),
        ({"APP_URL": "invoicetron.example.com"}, "APP_URL must be an absolute http(s) URL", ""),
        ({"APP_URL": "https://x.example.com/app"}, "APP_URL must be an origin without a path", ""),
        ({"ADDITIONAL_TRUSTED_ORIGINS": "ftp://x"}, "ADDITIONAL_TRUSTED_ORIGINS must be", ""),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set", "postgresql://"),
        ({"DATABASE_URL": "postgresql://u:a/b@db/x"}, "DATABASE_URL has a '/' or '?'", "%2F"),
        ({"DEBUG": "true"}, "DEBUG is on while INVOICETRON_ENV is production", ""),
        ({"DEBUG": "perhaps"}, "DEBUG must be true or false", ""),
        ({"INVOICETRON_ENV": "staging"}, "INVOICETRON_ENV must be one of", ""),
        ({"DATABASE_CONN_MAX_AGE": "-1"}, "DATABASE_CONN_MAX_AGE must be at least 0", ""),
    ],
)
def test_invalid_configuration_stops_start_up_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], variable: str, advice: str
) -> None:
    with pytest.raises(ImproperlyConfigured) as caught:
        load_settings(monkeypatch, **environment)
    assert variable in str(caught.value)
    assert advice in str(caught.value)


def test_development_mode_runs_without_a_secret_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("INVOICETRON_DATA_DIR", str(tmp_path))
    first = load_settings(monkeypatch, INVOICETRON_ENV="development", SECRET_KEY="", APP_URL="")
    second = load_settings(monkeypatch, INVOICETRON_ENV="development", SECRET_KEY="", APP_URL="")
    assert first["DEBUG"] is True
    assert len(first["SECRET_KEY"]) >= 50
    assert first["SECRET_KEY"] == second["SECRET_KEY"], "the dev key must persist across runs"
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0, "the key file is private"
    assert "127.0.0.1" in first["ALLOWED_HOSTS"]
