"""Writing drafts in Chromium: totals computed by the server as you type, and duplicating."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import expect

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def live(page: Any, name: str) -> Any:
    return page.locator(f"#live-totals [data-live-{name}]")


def test_totals_follow_the_typing_and_the_saved_and_duplicated_drafts_match(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    vat = factories.tax_rate("VAT", "20")
    factories.client("Initech Ltd")
    factories.product("Hosting plan", "240", taxes=[vat], unit="year")
    sign_in(page, base)

    page.goto(f"{base}/invoices/new/")
    page.get_by_label("Client").select_option(label="Initech Ltd")
    row = page.locator("#lines fieldset.line").nth(0)
    row.locator('[name="lines-0-description"]').fill("Design work")
    row.locator('[name="lines-0-quantity"]').fill("3")
    row.locator('[name="lines-0-unit_price"]').fill("80")
    row.get_by_label("VAT 20 %", exact=True).check()
    expect(live(page, "total")).to_have_text("288.00 EUR")  # 240 + 48

    page.locator("#add-product").select_option(label="Hosting plan")
    page.get_by_role("button", name="Add product").click()
    expect(live(page, "total")).to_have_text("576.00 EUR")  # the product line counts at once

    row.locator('[name="lines-0-discount_value"]').fill("10")
    expect(page.locator("#line-amount-lines-0")).to_have_text("216.00 EUR")
    expect(live(page, "total")).to_have_text("547.20 EUR")  # (216 + 240) x 1.2

    page.locator('[name="discount_value"]').fill("5")
    expect(live(page, "discount")).to_have_text("\N{MINUS SIGN}22.80 EUR")
    expect(live(page, "total")).to_have_text("519.84 EUR")  # 433.20 + 86.64

    second = page.locator('[name="lines-1-quantity"]')
    second.fill("abc")
    expect(page.locator("#live-totals")).to_contain_text("Line 2: Enter a number.")
    expect(live(page, "total")).to_have_text("246.24 EUR")  # what can be computed: line 1 only
    second.fill("1")
    expect(live(page, "total")).to_have_text("519.84 EUR")
    screenshot(page, "editing-01-live-totals")
    shown = live(page, "total").inner_text()

    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()
    assert page.locator("[data-total]").inner_text() == shown
    saved = Invoice.objects.get()
    assert money.format_amount(saved.total, saved.currency) == shown

    page.get_by_role("button", name="Duplicate").click()
    page.get_by_role("heading", name="Edit draft invoice").wait_for()
    expect(live(page, "total")).to_have_text(shown)
    screenshot(page, "editing-02-duplicate")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()
    assert page.locator("[data-total]").inner_text() == shown
    assert Invoice.objects.count() == 2
    copy = Invoice.objects.exclude(pk=saved.pk).get()
    assert (copy.total, copy.number, copy.discount_value) == (saved.total, "", saved.discount_value)


def test_quote_and_recurring_forms_show_the_totals_their_documents_get(
    live_server: Any, page: Any, owner: User
) -> None:
    from invoicetron.automation import recurring
    from invoicetron.automation.models import RecurringInvoice
    from invoicetron.quotes.models import Quote

    base = live_server.url
    page.set_default_timeout(10_000)
    factories.business()
    factories.tax_rate("VAT", "20")
    factories.client("Initech Ltd")
    sign_in(page, base)

    page.goto(f"{base}/quotes/new/")
    page.get_by_label("Client").select_option(label="Initech Ltd")
    page.locator('[name="lines-0-description"]').fill("Workshop")
    page.locator('[name="lines-0-quantity"]').fill("2")
    page.locator('[name="lines-0-unit_price"]').fill("350")
    page.get_by_label("VAT 20 %", exact=True).check()
    page.locator('[name="discount_type"]').select_option("amount")
    page.locator('[name="discount_value"]').fill("100")
    expect(live(page, "total")).to_have_text("720.00 EUR")  # (700 - 100) x 1.2
    page.get_by_role("button", name="Save draft quote").click()
    page.get_by_role("heading", name="Draft quote").wait_for()
    quote = Quote.objects.get()
    assert money.format_amount(quote.total, quote.currency) == "720.00 EUR"

    page.goto(f"{base}/recurring/new/")
    page.get_by_label("Name").fill("Monthly support")
    page.get_by_label("Client").select_option(label="Initech Ltd")
    page.locator('[name="lines-0-description"]').fill("Support")
    page.locator('[name="lines-0-quantity"]').fill("1")
    page.locator('[name="lines-0-unit_price"]').fill("500")
    page.locator('[name="lines-0-discount_value"]').fill("10")
    page.get_by_label("VAT 20 %", exact=True).check()
    expect(live(page, "total")).to_have_text("540.00 EUR")  # 450 x 1.2
    page.locator('[name="discount_value"]').fill("10")  # the document discount, after the line's
    expect(live(page, "discount")).to_have_text("\N{MINUS SIGN}45.00 EUR")
    expect(live(page, "total")).to_have_text("486.00 EUR")  # 405 x 1.2
    screenshot(page, "editing-03-recurring-live-totals")
    shown = live(page, "total").inner_text()
    page.get_by_role("button", name="Save recurring invoice").click()
    page.get_by_text("is saved").wait_for()
    schedule = RecurringInvoice.objects.get()
    recurring.run_due()
    made = Invoice.objects.get()
    assert money.format_amount(made.total, made.currency) == shown
    assert (made.discount_value, schedule.lines[0]["discount_value"]) == (Decimal(10), "10")
