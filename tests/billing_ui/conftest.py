from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as WebClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import BusinessProfile
from tests.billing import factories


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Argon2 is deliberately slow; these tests sign in through force_login anyway.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def business(db: None) -> BusinessProfile:
    return factories.business()


@pytest.fixture
def as_owner(owner: User) -> WebClient:
    web = WebClient()
    web.force_login(owner)
    return web


@pytest.fixture
def as_colleague(colleague: User) -> WebClient:
    web = WebClient()
    web.force_login(colleague)
    return web
