"""A deposit invoice is an EN 16931 prepayment invoice (type 386); the final invoice deducting
deposits (money rule 13) shows each as a document allowance per VAT rate and names it in BG-3.
Both pass the EN 16931 rules in UBL and CII."""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from invoicetron.einvoicing import cii, ubl
from invoicetron.einvoicing.build import from_invoice
from invoicetron.einvoicing.document import EInvoice
from invoicetron.einvoicing.rules import check_cii, check_ubl
from invoicetron.quotes.services import (
    accept_quote,
    convert_to_invoice,
    create_quote,
    request_deposit,
    send_quote,
)
from tests.fixtures import eu_parties, factories

UBL = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
RAM = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def written(doc: EInvoice) -> tuple[etree._Element, etree._Element]:
    """The UBL and CII of `doc`, after both passed the EN 16931 rules without a fatal error."""
    files = ubl.write(doc), cii.write(doc)
    for report in (check_ubl(files[0]), check_cii(files[1])):
        assert report.fatal == [], str(report)
    return etree.fromstring(files[0]), etree.fromstring(files[1])


def paid(invoice: Invoice, owner: User) -> Invoice:
    issued = services.issue_invoice(invoice, by=owner)
    services.record_payment(issued, amount=issued.balance_due, by=owner)
    return issued


def test_deposits_and_their_final_invoice_pass_the_rules(owner: User) -> None:
    eu_parties.seller()
    standard, reduced = eu_parties.vat("VAT", "19"), eu_parties.vat("VAT", "7")
    quote = create_quote(
        client=eu_parties.buyer(),
        by=owner,
        lines=[
            factories.line("Build", "7", "123.45", [standard], unit="hour"),
            factories.line("Books", "3", "33.33", [reduced]),
        ],
        discount_value="3",
    )
    quote = send_quote(quote, by=owner, email=False)
    # a third, then an amount: each deposit's tax is rounded on its own
    first = paid(request_deposit(quote, by=owner, percent="33.33"), owner)
    second = paid(request_deposit(quote, by=owner, amount="100.01"), owner)
    for deposit in (first, second):
        doc = from_invoice(deposit)
        assert doc.type_code == "386"
        ubl_root, cii_root = written(doc)
        assert ubl_root.findtext("cbc:InvoiceTypeCode", namespaces=UBL) == "386"
        assert cii_root.xpath("//ram:TypeCode/text()", namespaces=RAM)[0] == "386"
    accept_quote(quote, by=owner)
    final = services.issue_invoice(convert_to_invoice(quote, by=owner), by=owner)
    doc = from_invoice(final)
    assert doc.type_code == "380"
    ubl_root, cii_root = written(doc)
    references = ubl_root.xpath(
        "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID/text()", namespaces=UBL
    )
    assert references == [first.number, second.number]
    cii_references = cii_root.xpath(
        "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", namespaces=RAM
    )
    assert cii_references == [first.number, second.number]
    # The final invoice's VAT is the whole VAT less the deposits', rate by rate.
    whole = {row["rate"]: Decimal(row["tax"]) for row in quote.snapshot["totals"]["taxes"]}
    for breakdown in doc.vat_breakdown:
        deposits = sum(
            Decimal(row["tax"])
            for deposit in (first, second)
            for row in deposit.snapshot["totals"]["taxes"]
            if Decimal(row["rate"]) == breakdown.vat.rate
        )
        rate = next(key for key in whole if Decimal(key) == breakdown.vat.rate)
        assert breakdown.tax_amount + deposits == whole[rate]
    assert doc.totals.total_with_vat + first.total + second.total == quote.total
    allowances = [a for a in doc.adjustments if a.reason.startswith("Deposit invoice")]
    assert sum(a.amount for a in allowances) == first.net_total + second.net_total
