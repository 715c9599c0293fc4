"""Where a local (non-container) run keeps its state: the embedded database and a dev secret key."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import platformdirs


def data_dir() -> Path:
    """INVOICETRON_DATA_DIR, or the user's data directory (e.g. ~/.local/share/invoicetron)."""
    configured = os.environ.get("INVOICETRON_DATA_DIR", "").strip()
    path = (
        Path(configured).expanduser() if configured else platformdirs.user_data_path("invoicetron")
    )
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def dev_secret_key() -> str:
    """A random key kept in the data directory, so local sessions survive restarts.

    Only used outside production, where a missing SECRET_KEY is an error instead.
    """
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()
