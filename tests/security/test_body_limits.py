"""The request-body limits: where uploads are allowed, what the web and the API answer, Compose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.test import Client

from invoicetron.api.errors import from_exception
from invoicetron.billing.forms.setup import MAX_LOGO_BYTES
from invoicetron.reports.csvio.reader import MAX_FILE_BYTES

REPO = Path(__file__).resolve().parents[2]


def test_the_upload_limits_are_the_upload_forms_own() -> None:
    assert settings.UPLOAD_LIMITS["/settings/"][1] == MAX_LOGO_BYTES
    assert settings.UPLOAD_LIMITS["/data/"][1] == MAX_FILE_BYTES
    # Within the limits an upload stays in memory: nothing is spooled to disk.
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE >= MAX_FILE_BYTES + settings.FORM_FIELDS_BYTES


@pytest.mark.django_db
def test_a_form_post_over_the_limit_gets_the_413_page_before_the_csrf_check_reads_it() -> None:
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    body = "notes=" + "x" * (3 * 1024 * 1024)
    response = client.post("/clients/new/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "A form may send at most 2.5 MB." in response.content.decode()


@pytest.mark.django_db
def test_an_upload_over_the_logos_limit_is_refused_with_that_limit() -> None:
    response = Client().generic(
        "POST",
        "/settings/",
        b"x" * (MAX_LOGO_BYTES + settings.FORM_FIELDS_BYTES + 1),
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 413
    assert "The logo may be at most 512 KB." in response.content.decode()


@pytest.mark.django_db
def test_an_api_body_over_the_limit_is_the_apis_413_problem() -> None:
    response = Client().post(
        "/api/v1/clients", json.dumps({"notes": "x" * (3 * 1024 * 1024)}), "application/json"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


def test_djangos_own_body_limit_inside_the_api_is_a_413_not_a_500() -> None:
    error = from_exception(RequestDataTooBig("Request body exceeded settings."))
    assert (error.status, error.code) == (413, "payload_too_large")


def test_compose_publishes_the_app_port_on_loopback_only() -> None:
    compose = yaml.safe_load((REPO / "compose.yaml").read_text())
    for port in compose["services"]["app"]["ports"]:
        assert str(port).startswith("127.0.0.1:"), port
