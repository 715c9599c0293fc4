"""Any signed-in user runs the billing; only owners manage the business itself."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from tests.fixtures import factories

OWNER_PAGES = [
    "billing:settings",
    "billing:tax_rates",
    "billing:tax_rate_new",
    "billing:series",
    "billing:series_new",
    "users:list",
    "users:new",
]
MEMBER_PAGES = [
    "web:home",
    "billing:invoices",
    "billing:invoice_new",
    "billing:clients",
    "billing:client_new",
    "billing:products",
    "billing:product_new",
]


@pytest.mark.parametrize("name", OWNER_PAGES + MEMBER_PAGES)
def test_signed_out_visitors_are_sent_to_the_sign_in_page(client: WebClient, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_a_colleague_cannot_reach_the_owner_settings(as_colleague: WebClient, name: str) -> None:
    assert as_colleague.get(reverse(name)).status_code == 403


def test_a_colleague_cannot_change_settings_by_posting_either(as_colleague: WebClient) -> None:
    response = as_colleague.post(reverse("billing:tax_rate_new"), {"name": "VAT", "rate": "20"})
    assert response.status_code == 403
    tax = factories.tax_rate()
    url = reverse("billing:setting_delete", args=["tax-rates", tax.pk])
    assert as_colleague.post(url).status_code == 403


@pytest.mark.parametrize("name", MEMBER_PAGES)
def test_a_colleague_runs_the_billing(as_colleague: WebClient, name: str) -> None:
    assert as_colleague.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", OWNER_PAGES)
def test_the_owner_reaches_the_settings(as_owner: WebClient, name: str) -> None:
    assert as_owner.get(reverse(name)).status_code == 200


def test_the_settings_link_is_shown_to_owners_only(
    as_owner: WebClient, as_colleague: WebClient
) -> None:
    settings_link = f'href="{reverse("billing:settings")}"'
    assert settings_link in as_owner.get("/").content.decode()
    assert settings_link not in as_colleague.get("/").content.decode()
