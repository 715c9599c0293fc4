"""The billing pages in German, in Chromium (#19): a draft written with its live totals, a
mistake explained, the invoice issued and paid. The amounts are the English ones (locale
formatting is a separate change) and reconcile with what is stored."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings

from invoicetron.accounts.models import User
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_invoice_is_written_issued_and_paid_in_german(
    live_server: Any, page: Any, owner: User
) -> None:
    factories.business()
    factories.client(name="Müller GmbH")
    factories.tax_rate("MwSt", "19")
    base = live_server.url
    page.set_default_timeout(10_000)
    sign_in(page, base)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "de", "url": base}])

    page.goto(f"{base}/invoices/")
    page.get_by_role("heading", name="Rechnungen").wait_for()
    page.get_by_role("link", name="Neue Rechnung").click()
    page.get_by_label("Kunde", exact=True).select_option(label="Müller GmbH")
    page.locator('[name="lines-0-description"]').fill("Beratung")
    page.locator('[name="lines-0-quantity"]').fill("-2")
    page.locator('[name="lines-0-unit_price"]').fill("150")
    page.locator("#lines").get_by_label("MwSt 19 %").check()
    page.get_by_role("button", name="Entwurf speichern").click()
    refusal = "Mengen dürfen auf einer Rechnung nicht negativ sein"
    page.locator("#lines").get_by_text(refusal).wait_for()  # beside the line
    page.locator("#live-totals").get_by_text(f"Position 1: {refusal}").wait_for()
    assert not Invoice.objects.exists()

    page.locator('[name="lines-0-quantity"]').fill("2")
    totals = page.locator("#live-totals")
    totals.get_by_text("Zwischensumme").wait_for()
    totals.get_by_text("357,00 EUR").wait_for()  # 300.00 + 19 % (57.00)
    screenshot(page, "languages-01-draft-de")
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_role("heading", name="Rechnungsentwurf").wait_for()
    page.get_by_text("Entwurf gespeichert.").wait_for()

    page.get_by_role("button", name="Rechnung ausstellen").click()
    heading = page.get_by_role("heading", level=1)
    heading.filter(has_text=re.compile(r"Rechnung INV-\d{4}-0001")).wait_for()
    page.get_by_label("Betrag").fill("100")
    page.get_by_role("button", name="Zahlung erfassen").click()
    page.get_by_text("Zahlung über 100,00 EUR erfasst.").wait_for()
    assert page.locator(".subtitle .badge").first.inner_text() == "Teilweise bezahlt"
    assert page.locator("[data-balance]").inner_text() == "257,00 EUR"
    screenshot(page, "languages-02-invoice-de")

    invoice = Invoice.objects.get()
    assert invoice.total == Decimal("357.00") and invoice.balance_due == Decimal("257.00")
