from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fast_sign_in(fast_passwords: None) -> None:
    """The fast hasher (tests/fixtures/users.py) for every test here: they sign in many times."""
