"""Fixtures for the API tests: tokens for the named users and a JSON client that sends them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client as DjangoClient

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from tests.browser.conftest import browser, page  # noqa: F401 - Chromium for the docs page test


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def error(self) -> dict[str, Any]:
        return dict(self.body["error"])

    def field_paths(self) -> list[str]:
        return [item["path"] for item in self.body["error"]["fields"]]


class Api:
    """Calls /api/v1/… as one token (or none) and decodes the JSON answer."""

    def __init__(self, token: str | None, client: DjangoClient | None = None) -> None:
        self.token = token
        self.client = client or DjangoClient()

    def call(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Answer:
        extra = dict(headers or {})
        if self.token is not None:
            extra["Authorization"] = f"Bearer {self.token}"
        url = path if path.startswith("/api/") else f"/api/v1/{path.lstrip('/')}"
        data = None if body is None else json.dumps(body)
        response = self.client.generic(
            method, url, data=data or "", content_type="application/json", headers=extra
        )
        content_type = response.get("Content-Type", "")
        is_json = "json" in content_type and response.content
        decoded = json.loads(response.content) if is_json else response.content
        return Answer(response.status_code, decoded, dict(response.headers))

    def get(self, path: str, **params: Any) -> Answer:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.call("GET", f"{path}?{query}" if query else path)

    def post(self, path: str, body: Any = None, **headers: str) -> Answer:
        return self.call("POST", path, {} if body is None else body, _headers(headers))

    def patch(self, path: str, body: Any) -> Answer:
        return self.call("PATCH", path, body)

    def delete(self, path: str) -> Answer:
        return self.call("DELETE", path)


def _headers(given: dict[str, str]) -> dict[str, str]:
    return {name.replace("_", "-"): value for name, value in given.items()}


@pytest.fixture
def owner_token(owner: User) -> str:
    return create_token(owner, "tests").secret


@pytest.fixture
def api(owner_token: str) -> Api:
    """The owner's read-write token."""
    return Api(owner_token)


@pytest.fixture
def read_only_api(owner: User) -> Api:
    return Api(create_token(owner, "read-only", read_only=True).secret)


@pytest.fixture
def anonymous() -> Api:
    return Api(None)
