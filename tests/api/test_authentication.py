from __future__ import annotations

import pytest
from django.test import Client as DjangoClient
from django.utils.crypto import get_random_string

from invoicetron.accounts.models import User
from invoicetron.api.models import ApiToken
from invoicetron.api.tokens import TOKEN_PREFIX, create_token, hash_secret, revoke_token
from invoicetron.billing.models import AuditEvent
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db


def test_a_request_without_a_token_is_refused_with_401_and_a_bearer_challenge(
    anonymous: Api,
) -> None:
    answer = anonymous.get("clients")
    assert answer.status == 401
    assert answer.error["code"] == "not_authenticated"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_write_without_a_token_is_401_not_a_csrf_error(anonymous: Api) -> None:
    answer = anonymous.post("clients", {"name": "Globex"})
    assert answer.status == 401


def test_a_valid_token_reads_and_records_when_it_was_last_used(api: Api, owner: User) -> None:
    assert api.get("clients").status == 200
    token = ApiToken.objects.get(user=owner, name="tests")
    assert token.last_used_at is not None


def test_only_the_sha256_of_a_token_is_stored_and_the_secret_has_a_prefix(owner: User) -> None:
    new = create_token(owner, "ci")
    assert new.secret.startswith(TOKEN_PREFIX)
    assert len(new.secret) > 40
    stored = ApiToken.objects.get(pk=new.token.pk)
    assert stored.token_hash == hash_secret(new.secret)
    assert new.secret not in {stored.token_hash, stored.hint, stored.name}


def test_a_revoked_token_gets_401(owner: User) -> None:
    new = create_token(owner, "old script")
    revoke_token(new.token)
    answer = Api(new.secret).get("clients")
    assert answer.status == 401
    assert answer.error["code"] == "invalid_token"


def test_an_unknown_or_malformed_token_gets_401(owner: User) -> None:
    assert Api("itron_not-a-real-token").get("clients").status == 401
    assert Api("").get("clients").status == 401


def test_a_deactivated_user_token_gets_401(owner: User) -> None:
    secret = create_token(owner, "script").secret
    owner.is_active = False
    owner.save()
    assert Api(secret).get("clients").status == 401


def test_a_token_writes_as_its_user(colleague: User) -> None:
    # The token's user is loaded only when an operation needs it: a write must still get it.
    answer = Api(create_token(colleague, "script").secret).post("clients", {"name": "Globex"})
    assert answer.status == 201, answer.body
    assert AuditEvent.objects.get(object_repr="Globex").actor == colleague


def test_a_read_only_token_reads_but_cannot_write(read_only_api: Api) -> None:
    assert read_only_api.get("clients").status == 200
    answer = read_only_api.post("clients", {"name": "Globex"})
    assert answer.status == 403
    assert answer.error["code"] == "read_only_token"
    assert read_only_api.delete("clients/1").status == 403


def test_a_browser_session_reads_without_a_token(owner: User) -> None:
    browser = DjangoClient()
    browser.force_login(owner)
    assert Api(None, browser).get("clients").status == 200


def test_a_browser_session_must_send_the_csrf_token_to_write(owner: User) -> None:
    browser = DjangoClient(enforce_csrf_checks=True)
    browser.force_login(owner)
    session = Api(None, browser)
    refused = session.post("clients", {"name": "Globex"})
    assert refused.status == 403
    assert refused.error["code"] == "csrf_failed"

    csrf = get_random_string(32)  # what a page's CSRF cookie holds
    browser.cookies["csrftoken"] = csrf
    accepted = session.call("POST", "clients", {"name": "Globex"}, {"X-CSRFToken": csrf})
    assert accepted.status == 201


def test_a_bad_token_fails_even_beside_a_valid_session(owner: User) -> None:
    browser = DjangoClient()
    browser.force_login(owner)
    assert Api("itron_wrong", browser).get("clients").status == 401
