"""Issue 14 item 6: deactivating a user ends their sessions and API tokens for good."""

from __future__ import annotations

import pytest
from django.test import Client

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from tests.security.throttle import sign_in

pytestmark = pytest.mark.django_db


def api_status(secret: str) -> int:
    response = Client().get("/api/v1/clients", headers={"Authorization": f"Bearer {secret}"})
    return response.status_code


def test_deactivation_ends_sessions_and_tokens_and_reactivation_does_not_revive_them(
    owner: User, colleague: User
) -> None:
    member = Client()
    assert sign_in(member, colleague.email) == 302
    assert member.get("/").status_code == 200
    secret = create_token(colleague, "nightly export").secret
    assert api_status(secret) == 200

    owner_browser = Client()
    owner_browser.force_login(owner)
    owner_browser.post(f"/settings/users/{colleague.pk}/deactivate/")
    assert member.get("/").status_code == 302, "the member's next request is signed out"
    assert api_status(secret) == 401

    owner_browser.post(f"/settings/users/{colleague.pk}/activate/")
    colleague.refresh_from_db()
    assert colleague.is_active
    assert member.get("/").status_code == 302, "the old session stays ended"
    assert api_status(secret) == 401, "the old token stays revoked"
    listing = owner_browser.get("/accounts/tokens/").content.decode()
    row = next(row for row in listing.split("<tr") if "nightly export" in row)
    assert "Revoked" in row, "the owner's token list says so too"

    fresh = Client()
    assert sign_in(fresh, colleague.email) == 302, "the reactivated member signs in anew"
    assert fresh.get("/").status_code == 200
