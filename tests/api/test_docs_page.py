"""The API docs: OpenAPI at /api/openapi.json, Swagger UI at /api/docs, served by the app."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as DjangoClient

from tests.fixtures.browser import screenshot

pytestmark = pytest.mark.django_db


def test_the_openapi_document_describes_every_resource_and_the_workflow() -> None:
    document = DjangoClient().get("/api/openapi.json").json()
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in [
        "/api/v1/clients",
        "/api/v1/contacts",
        "/api/v1/products",
        "/api/v1/tax-rates",
        "/api/v1/invoices",
        "/api/v1/invoices/{id}/issue",
        "/api/v1/invoices/{id}/pdf",
        "/api/v1/credit-notes",
        "/api/v1/payments",
        "/api/v1/number-series",
        "/api/v1/business",
    ]:
        assert path in paths, path
    guide = document["info"]["description"]
    for step in ["Authorization: Bearer", "Idempotency-Key", "/issue", "/pdf", "payments"]:
        assert step in guide
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_docs_page_renders_in_chromium_under_the_csp(live_server: Any, page: Any) -> None:
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: message.type == "error" and problems.append(message.text))
    page.goto(f"{live_server.url}/api/docs")
    page.get_by_text("The whole workflow, from a script").wait_for(timeout=15_000)
    assert page.locator(".opblock").count() > 30  # one block per operation
    assert page.get_by_text("/api/v1/invoices/{id}/issue").first.is_visible()
    screenshot(page, "api-docs")
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert not [text for text in problems if "Content Security Policy" in text], problems
