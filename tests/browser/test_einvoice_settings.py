"""The e-invoicing part of the business settings in Chromium: filled in, saved, shown again."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from invoicetron.accounts.models import User
from invoicetron.billing.models import BusinessProfile
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_the_owner_saves_the_e_invoicing_settings_and_finds_them_again(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business(tax_id="")
    sign_in(page, base)

    page.goto(f"{base}/settings/")
    section = page.locator("fieldset.form-section", has_text="E-invoicing")
    section.get_by_label("Street and number").fill("Hauptstraße 1")
    section.get_by_label("Postcode").fill("10115")
    section.get_by_label("City").fill("Berlin")
    section.get_by_label("Country").select_option("DE")
    section.get_by_label("VAT id").fill("DE 136 695 976")
    section.get_by_label("Legal registration id").fill("HRB 123456 B")
    section.get_by_label("Endpoint scheme (EAS)").select_option("9930")
    section.get_by_label("Endpoint id").fill("136695976")
    section.get_by_label("Payment means").select_option("58")
    section.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    section.get_by_label("BIC").fill("DEUTDEFF")
    section.get_by_label("Default e-invoice format").select_option("facturx")
    # A wrong IBAN first: the page says what to fix beside the field, and keeps the rest.
    section.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 01")
    page.get_by_role("button", name="Save business profile").click()
    expect(page.locator(".field-error", has=page.locator("#id_iban"))).to_contain_text(
        "This is not a valid IBAN"
    )
    expect(page.get_by_label("City")).to_have_value("Berlin")
    page.get_by_label("IBAN").fill("DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Save business profile").click()
    page.get_by_text("The business profile is saved.").wait_for()

    page.goto(f"{base}/settings/")
    expect(page.get_by_label("Country")).to_have_value("DE")
    expect(page.get_by_label("VAT id")).to_have_value("DE136695976")
    expect(page.get_by_label("Endpoint scheme (EAS)")).to_have_value("9930")
    expect(page.get_by_label("Endpoint id")).to_have_value("DE136695976")
    expect(page.get_by_label("IBAN")).to_have_value("DE89370400440532013000")
    expect(page.get_by_label("Default e-invoice format")).to_have_value("facturx")
    screenshot(page, "einvoice-business-settings")
    profile = BusinessProfile.load()
    assert (profile.city, profile.country, profile.einvoice_format) == ("Berlin", "DE", "facturx")

    # The tax rate form shows the exemption reason only for the categories that need one.
    page.goto(f"{base}/settings/tax-rates/new/")
    reason_code = page.get_by_label("Exemption reason code")
    expect(reason_code).to_be_hidden()
    page.get_by_label("VAT category").select_option("AE")
    expect(reason_code).to_be_visible()

    # The product form shows the box for another unit code only when "Other code…" is chosen.
    page.goto(f"{base}/products/new/")
    other = page.get_by_label("Other unit code")
    expect(other).to_be_hidden()
    page.get_by_label("Unit code", exact=True).select_option("other")
    expect(other).to_be_visible()
