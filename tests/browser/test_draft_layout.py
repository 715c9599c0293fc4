"""Layout in Chromium: checkboxes beside their labels, a usable line discount, a phone's invoice
list and invoice page with their totals and balances, and an empty dashboard chart."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import money, services
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PHONE = {"width": 390, "height": 844}

# Where a checkbox sits against the text of its own label.
BESIDE = """(box) => {
  const label = box.labels[0];
  const text = [...label.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim());
  const range = document.createRange();
  range.selectNodeContents(text || label);
  const words = range.getBoundingClientRect(), own = box.getBoundingClientRect();
  const middle = own.top + own.height / 2;
  return {
    sameLine: middle >= words.top && middle <= words.bottom,
    gap: words.left - own.right,
    width: own.width,
  };
}"""


def assert_beside(page: Any, selector: str) -> None:
    boxes = page.locator(selector)
    assert boxes.count() > 0, selector
    for index in range(boxes.count()):
        place = boxes.nth(index).evaluate(BESIDE)
        assert place["sameLine"] and 0 <= place["gap"] <= 24, (selector, index, place)
        assert place["width"] < 40, (selector, index, place)


def test_checkboxes_sit_beside_their_labels_and_the_line_discount_is_usable(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    factories.business()
    factories.tax_rate("VAT", "20")
    factories.tax_rate("VAT", "5.5")
    sign_in(page, base)
    for path in ("/invoices/new/", "/quotes/new/", "/recurring/new/"):
        page.goto(base + path)
        assert_beside(page, 'input[type="checkbox"][name$="-taxes"]')
        assert_beside(page, 'input[type="checkbox"][name="prices_include_tax"], #id_auto_issue')
        discount = page.locator('[name="lines-0-discount_value"]')
        assert discount.bounding_box()["width"] >= 64, f"{path}: room for 12.5 or 1,000.00"
        kind = page.locator('[name="lines-0-discount_type"]')
        assert page.get_by_label("Line discount, % or amount").count() == 1
        assert kind.locator("option").all_inner_texts() == ["%", "Amount"]
    screenshot(page, "layout-01-recurring-form")
    for path in (
        "/settings/webhooks/new/",
        "/settings/reminders/new/",
        "/settings/tax-rates/new/",
        "/products/new/",
        "/settings/users/new/",
    ):
        page.goto(base + path)
        boxes = 'main input[type="checkbox"]:visible'
        if page.locator(boxes).count():
            assert_beside(page, boxes)
        screenshot(page, "layout-02" + path.replace("/", "-").rstrip("-"))


def within(page: Any, locator: Any) -> None:
    assert locator.is_visible()
    box = locator.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


def test_a_phone_shows_the_totals_and_balances_of_the_list_and_the_invoice(
    live_server: Any, browser: Any, owner: User
) -> None:
    factories.business()
    invoice = factories.issued_invoice(
        owner, for_client=factories.client("Globex Corporation International Holdings")
    )
    services.record_payment(invoice, amount="100", by=owner)
    invoice.refresh_from_db()
    total = money.format_amount(invoice.total, invoice.currency)
    balance = money.format_amount(invoice.balance_due, invoice.currency)
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server.url)

    page.goto(f"{live_server.url}/invoices/")
    row = page.locator("tbody tr").first
    within(page, row.get_by_text(total, exact=True))
    within(page, row.get_by_text(balance, exact=True))
    within(page, row.get_by_role("link", name=invoice.number))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    cut = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].some(w => w.scrollWidth > w.clientWidth)"
    )
    assert not cut, "no column of the list is cut off"
    screenshot(page, "layout-03-invoice-list-phone")

    page.goto(f"{live_server.url}/invoices/{invoice.pk}/")
    within(page, page.locator("[data-total]"))
    within(page, page.locator("[data-balance]"))
    cut = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].some(w => w.scrollWidth > w.clientWidth)"
    )
    assert not cut, "no column of the invoice's tables is cut off"
    screenshot(page, "layout-04-invoice-phone")
    context.close()


def test_an_empty_dashboard_says_so_instead_of_drawing_an_axis(
    live_server: Any, page: Any, owner: User
) -> None:
    factories.business()
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/dashboard/")
    page.get_by_text("No invoices or payments in the last 12 months").first.wait_for()
    assert page.locator("svg.chart text.axis").count() == 0, "no axis without figures"
    screenshot(page, "layout-05-empty-dashboard")
