"""Issue #17's "done means", in Chromium, as a new owner through the web pages only.

The owner fills in the business profile's e-invoicing section and the tax rates once, adds a
French business client, issues an invoice with a unit code, a price base quantity and a document
charge, downloads its Factur-X PDF, UBL and CII from the invoice page, then credits one line and
downloads the credit note's UBL. Every file must pass the official EN 16931 rules
(`einvoicing.rules`) with no fatal failure, and carry the totals the page shows.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from facturx import get_facturx_xml_from_pdf
from lxml import etree
from playwright.sync_api import expect

from invoicetron.accounts.models import User
from invoicetron.einvoicing.rules import Report, check_cii, check_facturx, check_ubl
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

NAMESPACES = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}
UBL_TOTALS = {
    "net": "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "tax": "cac:TaxTotal/cbc:TaxAmount",
    "total": "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
}
CII_SUMMATION = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
CII_TOTALS = {
    "net": CII_SUMMATION + "ram:TaxBasisTotalAmount",
    "tax": CII_SUMMATION + "ram:TaxTotalAmount",
    "total": CII_SUMMATION + "ram:GrandTotalAmount",
}


def fill_business_profile(page: Any, base: str) -> None:
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Business name").fill("Muster Consulting GmbH")
    page.get_by_label("Email").fill("billing@muster.example")
    page.get_by_label("Base currency").select_option("EUR")
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    section = page.locator("fieldset.form-section", has_text="E-invoicing")
    section.get_by_label("Street and number").fill("Hauptstraße 1")
    section.get_by_label("Postcode").fill("10115")
    section.get_by_label("City").fill("Berlin")
    section.get_by_label("Country").select_option("DE")
    section.get_by_label("VAT id").fill("DE136695976")
    section.get_by_label("Legal registration id").fill("HRB 123456 B")
    section.get_by_label("Endpoint scheme (EAS)").select_option("9930")
    section.get_by_label("Endpoint id").fill("DE136695976")
    section.get_by_label("Payment means").select_option("58")
    section.get_by_label("IBAN").fill("DE89370400440532013000")
    section.get_by_label("BIC").fill("COBADEFFXXX")
    section.get_by_label("Default e-invoice format").select_option("facturx")
    page.get_by_role("button", name="Save business profile").click()
    page.get_by_text("The business profile is saved.").wait_for()
    screenshot(page, "einvoice-journey-01-profile")


def add_tax_rate(page: Any, base: str, values: tuple[str, str, str, str]) -> None:
    name, rate, category, exemption_code = values
    page.goto(f"{base}/settings/")
    page.get_by_role("link", name="Tax rates").click()
    page.get_by_role("link", name=re.compile("New tax rate", re.I)).click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Rate (%)").fill(rate)
    page.get_by_label("VAT category").select_option(category)
    if exemption_code:
        page.get_by_label("Exemption reason code").fill(exemption_code)
        page.get_by_label("Exemption reason text").fill("Reverse charge")
    page.get_by_role("button", name="Save").click()
    page.get_by_text(f"Tax rate {name} {rate} % is saved.").wait_for()


def add_french_business_client(page: Any) -> None:
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="New client").click()
    page.locator("#id_name").fill("Client SARL")
    page.get_by_label("Street and number").fill("12 rue de la République")
    page.get_by_label("Postcode").fill("69001")
    page.get_by_label("City").fill("Lyon")
    page.get_by_label("Country").select_option("FR")
    page.get_by_label("VAT id").fill("FR40303265045")
    page.get_by_label("Endpoint scheme (EAS)").select_option("EM")
    page.get_by_label("Endpoint id").fill("factures@client.example")
    page.locator('[name="contacts-0-name"]').fill("Claire Client")
    page.locator('[name="contacts-0-email"]').fill("claire@client.example")
    page.get_by_role("button", name="Save client").click()
    page.get_by_role("heading", name="Client SARL").wait_for()


def fill_line(page: Any, index: int, values: dict[str, str], tax: str) -> None:
    row = page.locator("#lines fieldset.line").nth(index)
    for name, value in values.items():
        row.locator(f'[name="lines-{index}-{name}"]').fill(value)
    row.get_by_label(tax, exact=True).check()


def issue_invoice(page: Any) -> None:
    page.get_by_role("link", name="Invoices", exact=True).click()
    page.get_by_role("link", name="New invoice").click()
    page.get_by_label("Client").select_option(label="Client SARL")
    page.get_by_label("Purchase order").fill("PO-4711")
    consulting = {"description": "Consulting", "quantity": "10", "unit_code": "HUR"}
    fill_line(page, 0, {**consulting, "unit_price": "95"}, "Reverse charge 0 %")
    page.get_by_role("button", name="Add line").click()
    page.locator('[name="lines-1-description"]').wait_for()
    # 24 manuals at 30.00 per 12: 60.00
    manuals = {"description": "Printed manuals", "quantity": "24", "unit_code": "C62"}
    fill_line(page, 1, {**manuals, "unit_price": "30", "base_quantity": "12"}, "VAT 19 %")
    charge = page.locator("fieldset", has=page.locator('[name="adjustments-0-reason"]')).last
    charge.get_by_label("Allowance or charge").select_option("charge")
    charge.get_by_label("Reason", exact=True).fill("Freight")
    charge.get_by_label("Reason code").fill("FC")
    charge.get_by_label("% or amount").select_option("amount")
    charge.get_by_label("Value").fill("15")
    charge.get_by_label("Tax", exact=True).select_option(label="VAT 19 %")
    # The live totals count the charge before the draft is saved.
    expect(page.locator("[data-live-charges]")).to_have_text("15.00 EUR")
    expect(page.locator("[data-live-total]")).to_have_text("1,039.25 EUR")
    screenshot(page, "einvoice-journey-02-new-invoice")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()
    page.get_by_role("button", name="Issue invoice").click()
    heading = page.get_by_role("heading", level=1)
    heading.filter(has_text=re.compile(r"Invoice INV-\d{4}-0001")).wait_for()
    screenshot(page, "einvoice-journey-03-issued")


def amount(text: str) -> Decimal:
    """A figure as the page shows it ("1,039.25 EUR") as a Decimal; its sign is dropped."""
    return Decimal(re.sub(r"[^\d.]", "", text))


def page_totals(page: Any) -> dict[str, Decimal]:
    table = page.get_by_role("table", name="Totals")
    rows = {
        row.locator("th").inner_text().strip(): amount(row.locator("td").inner_text())
        for row in table.locator("tr").all()
    }
    tax = sum((value for label, value in rows.items() if " % " in label), Decimal(0))
    return {"net": rows["Net total"], "tax": tax, "total": rows["Total"]}


def xml_totals(xml: bytes, paths: dict[str, str]) -> dict[str, Decimal]:
    root = etree.fromstring(xml)
    found = {key: root.xpath(path, namespaces=NAMESPACES) for key, path in paths.items()}
    return {key: Decimal(elements[0].text) for key, elements in found.items()}


def download(page: Any, link: Any, folder: Path) -> bytes:
    with page.expect_download() as started:
        link.click()
    saved = folder / started.value.suggested_filename
    started.value.save_as(saved)
    return saved.read_bytes()


def assert_accepted(report: Report) -> None:
    assert report.passed, str(report)


def test_an_owner_sets_up_once_and_downloads_e_invoices_the_rules_accept(
    live_server: Any, page: Any, owner: User, tmp_path: Path
) -> None:
    base = live_server.url
    page.set_default_timeout(10_000)
    sign_in(page, base)
    fill_business_profile(page, base)
    add_tax_rate(page, base, ("VAT", "19", "S", ""))
    add_tax_rate(page, base, ("Reverse charge", "0", "AE", "VATEX-EU-AE"))
    add_french_business_client(page)
    issue_invoice(page)

    # 10 h x 95.00 = 950.00 reverse charged; 60.00 + 15.00 freight at 19 % (14.25)
    manuals_row = page.get_by_role("row", name=re.compile("^Printed manuals"))
    expect(manuals_row).to_contain_text("per 12")  # else 24 x 30.00 = 60.00 looks wrong
    shown = page_totals(page)
    assert page.get_by_role("row", name=re.compile("^Charges")).inner_text().endswith("15.00 EUR")
    assert shown == {
        "net": Decimal("1025.00"),
        "tax": Decimal("14.25"),
        "total": Decimal("1039.25"),
    }
    downloads = page.locator("a[download]")
    facturx = download(page, downloads.filter(has_text="Factur-X PDF"), tmp_path)
    ubl = download(page, downloads.filter(has_text=re.compile("^UBL$")).first, tmp_path)
    cii = download(page, downloads.filter(has_text=re.compile("^CII$")).first, tmp_path)
    assert facturx.startswith(b"%PDF-")
    assert_accepted(check_facturx(facturx))
    assert_accepted(check_ubl(ubl))
    assert_accepted(check_cii(cii))
    _, embedded = get_facturx_xml_from_pdf(facturx, check_xsd=False)
    assert xml_totals(embedded, CII_TOTALS) == shown
    assert xml_totals(cii, CII_TOTALS) == shown
    assert xml_totals(ubl, UBL_TOTALS) == shown
    assert b"HUR" in ubl and b"<cbc:BaseQuantity" in ubl and b"PO-4711" in ubl

    page.get_by_role("link", name="Credit note", exact=True).click()
    page.get_by_label("Only the quantities below").check()
    page.get_by_label("Quantity to credit: Consulting").fill("2")
    page.get_by_label("Reason").fill("Two hours billed twice")
    page.get_by_role("button", name="Issue credit note").click()
    page.get_by_text(re.compile(r"Credit note CN-\d{4}-0001 is issued")).wait_for()
    screenshot(page, "einvoice-journey-04-credited")
    note_row = page.locator("tr", has_text=re.compile(r"CN-\d{4}-0001")).filter(
        has=page.get_by_role("link", name="UBL")
    )
    expect(note_row).to_contain_text("190.00")
    note_ubl = download(page, note_row.get_by_role("link", name="UBL"), tmp_path)
    assert_accepted(check_ubl(note_ubl))
    assert b"<CreditNote" in note_ubl
    note_totals = xml_totals(note_ubl, UBL_TOTALS)
    assert note_totals == {
        "net": Decimal("190.00"),
        "tax": Decimal("0.00"),
        "total": Decimal("190.00"),
    }
