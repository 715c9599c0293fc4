"""Every automation page test signs in with the fast password hasher and has a business profile."""

from __future__ import annotations

import pytest

from invoicetron.billing.models import BusinessProfile


@pytest.fixture(autouse=True)
def fast_sign_in_and_a_business(fast_passwords: None, business: BusinessProfile) -> None:
    """Both fixtures (tests/fixtures/users.py) for every test here, asked for or not."""
