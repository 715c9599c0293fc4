"""Every automation page test has a business profile."""

from __future__ import annotations

import pytest

from invoicetron.billing.models import BusinessProfile


@pytest.fixture(autouse=True)
def a_business(business: BusinessProfile) -> None:
    """The fixture (tests/fixtures/users.py) for every test here, asked for or not."""
