"""The newcomer's journey, in Chromium: set up, bill a client, get paid, credit."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing.models import CreditNote, Invoice
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def set_up_business(page: Any, base: str) -> None:
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Business name").fill("Acme Design Studio")
    page.get_by_label("Address").fill("1 Rue de la Paix\n75002 Paris")
    page.get_by_label("VAT id").fill("FR40303265045")
    page.get_by_label("Base currency").select_option("EUR")
    page.get_by_label("Payment instructions").fill("IBAN FR76 3000 6000 0112 3456 7890 189")
    page.get_by_label("Time zone").select_option("Europe/Paris")
    page.get_by_role("button", name="Save business profile").click()
    page.get_by_text("The business profile is saved.").wait_for()
    for name, rate in (("VAT", "20"), ("VAT", "5.5")):
        page.goto(f"{base}/settings/tax-rates/new/")
        page.get_by_label("Name").fill(name)
        page.get_by_label("Rate (%)").fill(rate)
        page.get_by_role("button", name="Save").click()
        page.get_by_text(f"Tax rate {name} {rate} % is saved.").wait_for()
    screenshot(page, "billing-01-tax-rates")


def create_client(page: Any) -> None:
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="New client").click()
    page.locator("#id_name").fill("Initech Ltd")
    page.get_by_label("Billing address").fill("4120 Freidrich Lane\nAustin, TX")
    page.locator('[name="contacts-0-name"]').fill("Bill Lumbergh")
    page.locator('[name="contacts-0-email"]').fill("bill@initech.example")
    page.get_by_role("button", name="Save client").click()
    page.get_by_role("heading", name="Initech Ltd").wait_for()


def fill_line(page: Any, index: int, values: tuple[str, str, str, str]) -> None:
    description, quantity, price, tax = values
    row = page.locator("#lines fieldset.line").nth(index)
    row.locator(f'[name="lines-{index}-description"]').fill(description)
    row.locator(f'[name="lines-{index}-quantity"]').fill(quantity)
    row.locator(f'[name="lines-{index}-unit_price"]').fill(price)
    row.get_by_label(tax, exact=True).check()


def create_invoice(page: Any) -> None:
    page.get_by_role("link", name="New invoice").click()
    page.get_by_label("Client").select_option(label="Initech Ltd")
    lines = [
        ("Website redesign", "12", "85", "VAT 20 %"),
        ("Hosting, one year", "1", "240", "VAT 20 %"),
        ("Printed brand book", "3", "19.90", "VAT 5.5 %"),
        ("Leftover row", "1", "1", "VAT 20 %"),
    ]
    fill_line(page, 0, lines[0])
    for index, values in enumerate(lines[1:], start=1):
        page.get_by_role("button", name="Add line").click()
        page.locator(f'[name="lines-{index}-description"]').wait_for()
        fill_line(page, index, values)
    page.locator("#lines fieldset.line").nth(3).get_by_text("Remove").click()
    assert page.locator("#lines fieldset.line").nth(3).is_hidden()
    screenshot(page, "billing-02-new-invoice")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()


def pdf_text(path: Path) -> str:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def record_payment(page: Any, amount: str) -> None:
    page.get_by_label("Amount").fill(amount)
    page.get_by_role("button", name="Record payment").click()
    page.get_by_text("recorded.").wait_for()


def test_a_newcomer_bills_a_client_gets_paid_and_credits_in_the_browser(
    live_server: Any, page: Any, owner: User, tmp_path: Path
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    sign_in(page, base)
    set_up_business(page, base)
    create_client(page)
    create_invoice(page)
    # 12 x 85 + 240 = 1,260.00 at 20 % (252.00); 3 x 19.90 = 59.70 at 5.5 % (3.28)
    assert page.locator("[data-total]").inner_text() == "1,574.98 EUR"
    assert page.get_by_text("Leftover row").count() == 0
    screenshot(page, "billing-03-draft")

    page.get_by_role("button", name="Issue invoice").click()
    heading = page.get_by_role("heading", level=1)
    heading.filter(has_text=re.compile(r"Invoice INV-\d{4}-0001")).wait_for()
    number = heading.inner_text().removeprefix("Invoice ")
    screenshot(page, "billing-04-issued")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "invoice.pdf"
    download.value.save_as(saved)
    text = pdf_text(saved)
    page_total = page.locator("[data-total]").inner_text()
    assert number in text and "Initech Ltd" in text and "Acme Design Studio" in text
    # The page writes 1,574.98 EUR, the PDF its locale's way (en: €1,574.98): the same figure.
    assert page_total.removesuffix(" EUR") in text, "the page and the PDF show the same total"

    record_payment(page, "500")
    assert page.locator(".subtitle .badge").first.inner_text() == "Partially paid"
    assert page.locator("[data-balance]").inner_text() == "1,074.98 EUR"

    page.get_by_role("link", name="Credit note", exact=True).click()
    page.get_by_label("Only the quantities below").check()
    page.get_by_label("Quantity to credit: Printed brand book").fill("1")
    page.get_by_label("Reason").fill("One brand book arrived damaged")
    screenshot(page, "billing-05-credit-note")
    page.get_by_role("button", name="Issue credit note").click()
    page.get_by_text(re.compile(r"Credit note CN-\d{4}-0001 is issued")).wait_for()
    note = CreditNote.objects.get()
    assert note.total == Invoice.objects.get().amount_credited
    # 19.90 + 5.5 % (1.09) = 20.99 off the balance
    assert page.locator("[data-balance]").inner_text() == "1,053.99 EUR"

    record_payment(page, "1053.99")
    assert page.locator(".subtitle .badge").first.inner_text() == "Paid"
    assert page.locator("[data-balance]").inner_text() == "0.00 EUR"
    screenshot(page, "billing-06-paid")

    page.get_by_role("link", name="Invoices").click()
    assert page.get_by_role("link", name=number).is_visible()
    screenshot(page, "billing-07-list")
    page.get_by_role("link", name="Home").click()
    assert page.get_by_role("heading", name="Recent invoices").is_visible()
    screenshot(page, "billing-10-home")


def test_the_invoice_page_fits_a_phone(live_server: Any, browser: Any, owner: User) -> None:
    from tests.fixtures import factories

    factories.business()
    invoice = factories.issued_invoice(owner)
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    sign_in(page, live_server.url)
    for path in (f"/invoices/{invoice.pk}/", f"/invoices/{invoice.pk}/edit/", "/invoices/new/"):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{path} scrolls sideways on a phone ({width}px)"
    screenshot(page, "billing-08-new-invoice-phone")
    page.goto(f"{live_server.url}/invoices/{invoice.pk}/")
    screenshot(page, "billing-09-invoice-phone")
    context.close()
