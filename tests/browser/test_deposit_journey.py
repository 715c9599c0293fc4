"""Issue #19's deposit case in Chromium: a sent quote → "Request deposit" of 30 % → issue and pay
the deposit invoice → "Create final invoice" deducting it → issue and pay the rest. The final PDF
shows the deduction, both e-invoices pass the EN 16931 rules, and the sales and tax reports (CSV,
as the owner downloads them) and the tax summary add up to the quote to the cent; the payments
report counts the deposit's payment and the final one, once each, and the aging owes nothing."""

from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing.models import Invoice, TaxSummaryDay
from invoicetron.einvoicing.rules import check_cii, check_ubl
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import create_quote, send_quote
from tests.fixtures import eu_parties, factories
from tests.fixtures.browser import csv_report, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def a_sent_quote(owner: User) -> Quote:
    """1 000.00 at 19 % and 3 x 33.33 at 7 %: net 1 099.99, VAT 197.00, total 1 296.99."""
    eu_parties.seller()
    standard, reduced = eu_parties.vat("VAT", "19"), eu_parties.vat("VAT", "7")
    quote = create_quote(
        client=eu_parties.buyer(),
        by=owner,
        lines=[
            factories.line("Kitchen fitting", "8", "125", [standard], unit="hour"),
            factories.line("Manuals", "3", "33.33", [reduced]),
        ],
    )
    return send_quote(quote, by=owner, email=False)


def issue_and_pay(page: Any, heading: str) -> str:
    """Issue the draft on screen, record its balance as paid; its number."""
    page.get_by_role("button", name="Issue invoice").click()
    title = page.get_by_role("heading", level=1).filter(has_text=re.compile(heading))
    title.wait_for()
    number = re.search(r"INV-\d{4}-\d{4}", title.inner_text())
    assert number
    page.get_by_role("button", name="Record payment").click()
    page.get_by_text(re.compile("Payment of .* recorded")).wait_for()
    return number.group()


def download(page: Any, link: Any, folder: Path) -> bytes:
    with page.expect_download() as started:
        link.click()
    saved = folder / started.value.suggested_filename
    started.value.save_as(saved)
    return saved.read_bytes()


def test_quote_deposit_final_invoice_and_reports(
    live_server: Any, page: Any, owner: User, tmp_path: Path
) -> None:
    base = live_server.url
    quote = a_sent_quote(owner)
    whole = quote.snapshot["totals"]
    page.set_default_timeout(15_000)
    sign_in(page, base)

    page.goto(f"{base}/quotes/{quote.pk}/")
    deposit_card = page.locator("section#deposit")
    deposit_card.get_by_label("Percent of the total").fill("130")
    deposit_card.get_by_role("button", name="Request deposit").click()
    expect(page.locator(".errors, .field-error").first).to_be_visible()  # above the total
    page.locator("section#deposit").get_by_label("Percent of the total").fill("30")
    page.locator("section#deposit").get_by_role("button", name="Request deposit").click()
    page.get_by_role("heading", name="Draft deposit invoice").wait_for()
    screenshot(page, "deposit-journey-01-deposit-draft")
    deposit_number = issue_and_pay(page, "Deposit invoice")
    deposit = Invoice.objects.get(number=deposit_number)
    ubl = download(page, page.locator("a[download]").filter(has_text=re.compile("^UBL$")), tmp_path)
    assert check_ubl(ubl).passed and b"<cbc:InvoiceTypeCode>386<" in ubl

    page.goto(f"{base}/quotes/{quote.pk}/")
    expect(page.get_by_role("table", name="Deposit invoices")).to_contain_text(deposit_number)
    page.get_by_role("button", name="Record acceptance").click()
    page.get_by_role("button", name="Create final invoice").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()
    expect(page.get_by_role("table", name="Deposit invoices deducted")).to_contain_text(
        deposit_number
    )
    screenshot(page, "deposit-journey-02-final-draft")
    final_number = issue_and_pay(page, "Invoice INV")
    final = Invoice.objects.get(number=final_number)
    expect(page.get_by_role("row", name=re.compile("^Balance due"))).to_contain_text("0.00")
    screenshot(page, "deposit-journey-03-final-paid")

    # The final PDF: the whole work, then the deposit taken off with its VAT per rate.
    pdf = download(page, page.get_by_role("link", name="Download PDF"), tmp_path)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert f"Less deposit invoice {deposit_number}" in text
    assert f"Total of deposit invoice {deposit_number} \N{MINUS SIGN}{deposit.total:,.2f}" in text
    assert "Subtotal 1,099.99" in text
    for name in ("UBL", "CII"):
        link = page.locator("a[download]").filter(has_text=re.compile(f"^{name}$"))
        xml = download(page, link, tmp_path)
        assert (check_ubl if name == "UBL" else check_cii)(xml).passed, name
        assert deposit_number.encode() in xml

    # deposit + final = quote, net, VAT and total; the reports count each once.
    assert deposit.total + final.total == Decimal(whole["total"])
    sales = csv_report(page, f"{base}/reports/sales/?period=year&format=csv")[-1]
    assert Decimal(sales["net_sales"]) == Decimal(whole["net_total"])
    assert Decimal(sales["tax"]) == Decimal(whole["tax_total"])
    assert Decimal(sales["total"]) == Decimal(whole["total"])
    taxes = csv_report(page, f"{base}/reports/tax/?format=csv")
    by_rate = {Decimal(row["rate"]): Decimal(row["tax_due"]) for row in taxes[:-1]}
    assert by_rate == {Decimal(row["rate"]): Decimal(row["tax"]) for row in whole["taxes"]}
    # The money comes in once: the deposit's payment and the final invoice's, nothing owed.
    payments = csv_report(page, f"{base}/reports/payments/?format=csv")
    assert sorted(Decimal(row["base_amount"]) for row in payments) == sorted(
        [deposit.total, final.total]
    )
    aging = csv_report(page, f"{base}/reports/aging/?format=csv")
    assert [row["client"] for row in aging] == ["Total"] and Decimal(aging[-1]["total"]) == 0
    summary = TaxSummaryDay.objects.filter(base_currency="EUR")
    for row in whole["taxes"]:
        at_rate = summary.filter(rate=Decimal(row["rate"]))
        assert sum(day.tax for day in at_rate) == Decimal(row["tax"])
        assert sum(day.documents for day in at_rate) == 2
