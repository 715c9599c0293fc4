from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client as DjangoClient

from invoicetron.accounts.models import User
from invoicetron.api.models import ApiToken
from invoicetron.api.tokens import TOKEN_PREFIX, create_token
from invoicetron.cli import DJANGO_COMMANDS
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> DjangoClient:
    browser = DjangoClient()
    browser.force_login(user)
    return browser


def test_the_tokens_page_shows_a_new_token_once(colleague: User) -> None:
    browser = signed_in(colleague)
    created = browser.post("/accounts/tokens/", {"name": "sync", "read_only": "on"})
    assert created.status_code == 200
    secret = created.context["secret"]
    assert secret.startswith(TOKEN_PREFIX) and secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    assert secret not in browser.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(user=colleague, name="sync")
    assert token.scope == "read"
    assert Api(secret).get("clients").status == 200


def test_a_token_is_revoked_from_the_page(colleague: User) -> None:
    new = create_token(colleague, "old")
    browser = signed_in(colleague)
    assert browser.post(f"/accounts/tokens/{new.token.pk}/revoke/").status_code == 302
    assert Api(new.secret).get("clients").status == 401


def test_people_see_their_own_tokens_and_owners_see_all(owner: User, colleague: User) -> None:
    mine = create_token(colleague, "colleague-script")
    create_token(owner, "owner-script")
    page = signed_in(colleague).get("/accounts/tokens/").content.decode()
    assert "colleague-script" in page and "owner-script" not in page
    assert signed_in(owner).get("/accounts/tokens/").content.decode().count("-script") == 2
    other = create_token(owner, "not-yours")
    assert (
        signed_in(colleague).post(f"/accounts/tokens/{other.token.pk}/revoke/").status_code == 404
    )
    assert signed_in(owner).post(f"/accounts/tokens/{mine.token.pk}/revoke/").status_code == 302


def test_the_tokens_page_needs_a_sign_in() -> None:
    assert DjangoClient().get("/accounts/tokens/").status_code == 302


def token_command(*args: str) -> str:
    out = io.StringIO()
    call_command("token", *args, stdout=out)
    return out.getvalue()


def test_the_cli_creates_prints_only_the_token_and_revokes_it(colleague: User) -> None:
    assert "token" in DJANGO_COMMANDS  # `invoicetron token …` reaches the management command
    secret = token_command("create", "--email", colleague.email, "--name", "ci").strip()
    assert secret.startswith(TOKEN_PREFIX) and "\n" not in secret
    assert Api(secret).get("clients").status == 200
    with pytest.raises(CommandError, match="already has an active token"):
        token_command("create", "--email", colleague.email, "--name", "ci")

    token_command("revoke", "--email", colleague.email, "--name", "ci")
    assert Api(secret).get("clients").status == 401
    listed = token_command("list")
    assert "ci\tread_write" in listed and "revoked" in listed and secret not in listed


def test_the_cli_creates_read_only_tokens_and_revokes_by_id(colleague: User) -> None:
    secret = token_command("create", "--email", colleague.email, "--name", "ro", "--read-only")
    token = ApiToken.objects.get(name="ro")
    assert token.scope == "read"
    token_command("revoke", "--id", str(token.pk))
    assert Api(secret.strip()).get("clients").status == 401
    with pytest.raises(CommandError, match="no user"):
        token_command("create", "--email", "nobody@example.com", "--name", "x")
