"""Deleting a payment or a tax rate in Chromium: the click opens a confirmation, which can be
declined; only the confirmation's button deletes."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Payment, TaxRate
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_a_payment_is_deleted_only_after_its_confirmation(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="100", by=owner, reference="BANK-42")
    sign_in(page, base)

    page.goto(f"{base}/invoices/{invoice.pk}/")
    payments = page.locator("table", has=page.get_by_role("columnheader", name="Method"))
    payments.get_by_role("link", name="Delete").click()
    page.get_by_role("heading", name="Delete this payment?").wait_for()
    assert page.get_by_text("BANK-42").is_visible()
    screenshot(page, "confirm-01-payment")
    assert Payment.objects.count() == 1, "opening the confirmation deletes nothing"

    page.get_by_role("link", name="Keep it").click()
    page.wait_for_url(f"{base}/invoices/{invoice.pk}/")
    assert page.locator("[data-balance]").inner_text() == "332.00 EUR"
    assert Payment.objects.count() == 1

    payments.get_by_role("link", name="Delete").click()
    page.get_by_role("button", name="Delete payment").click()
    page.get_by_text("Payment deleted; the audit trail keeps its values.").wait_for()
    assert page.locator("[data-balance]").inner_text() == "432.00 EUR"
    assert Payment.objects.count() == 0


def test_a_tax_rate_is_deleted_only_after_its_confirmation(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    factories.tax_rate("Reduced", "5.5")
    sign_in(page, base)

    page.goto(f"{base}/settings/tax-rates/")
    row = page.get_by_role("row", name="Reduced")
    row.get_by_role("link", name="Delete").click()
    page.get_by_role("heading", name="Delete the tax rate Reduced 5.5 %?").wait_for()
    screenshot(page, "confirm-02-tax-rate")
    assert TaxRate.objects.filter(name="Reduced").exists()

    page.get_by_role("button", name="Delete tax rate").click()
    page.get_by_text("Reduced 5.5 % is deleted.").wait_for()
    assert page.get_by_role("row", name="Reduced").count() == 0
    assert not TaxRate.objects.filter(name="Reduced").exists()
