"""403, 404 and 500 answer with the app's own look (its stylesheet and frame), not bare pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.template import loader
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User

STYLESHEET = 'href="/static/invoicetron/app.css"'


@pytest.fixture(autouse=True)
def production_errors(settings: Any) -> None:
    settings.DEBUG = False  # with DEBUG on, Django shows its technical pages instead


def test_a_colleague_on_an_owner_page_gets_the_styled_403_with_the_reason_and_a_way_back(
    as_colleague: WebClient,
) -> None:
    response = as_colleague.get("/settings/tax-rates/")
    assert response.status_code == 403
    html = response.content.decode()
    assert STYLESHEET in html
    assert '<nav class="nav" aria-label="Main">' in html  # the app's frame, signed in
    assert "Only an owner can change the business settings." in html
    assert '<a class="button" href="/">Back to the dashboard</a>' in html


def test_an_unknown_address_gets_the_styled_404(as_owner: WebClient, client: WebClient) -> None:
    response = as_owner.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert STYLESHEET in html and '<nav class="nav" aria-label="Main">' in html
    assert "Page not found" in html and '<a class="button" href="/">' in html
    signed_out = client.get("/no-such-page/")  # a visitor sees the same page, without the menu
    assert signed_out.status_code == 404 and STYLESHEET in signed_out.content.decode()
    assert '<nav class="nav"' not in signed_out.content.decode()


def test_an_unknown_invoice_gets_the_styled_404_too(as_owner: WebClient) -> None:
    response = as_owner.get("/invoices/999999/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


@pytest.mark.urls("tests.billing_ui.error_urls")
def test_a_failing_view_answers_the_styled_500_without_its_error(owner: User) -> None:
    web = WebClient(raise_request_exception=False)
    web.force_login(owner)
    response = web.get("/test-only/fails/")
    assert response.status_code == 500
    html = response.content.decode()
    assert STYLESHEET in html and "Something went wrong" in html
    assert "a bug in a view" not in html and "RuntimeError" not in html


def test_the_500_page_needs_no_request_and_no_database(db: None) -> None:
    with CaptureQueriesContext(connection) as captured:
        html = loader.get_template("500.html").render()  # as Django's handler renders it
    assert len(captured) == 0
    assert STYLESHEET in html and "Something went wrong" in html
