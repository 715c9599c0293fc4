"""The CII writer: EN 16931 Cross Industry Invoices that pass Factur-X's EN 16931 XSD, carry
every business term where the CEN binding puts it, and read back to the same amounts."""

from __future__ import annotations

import functools
from decimal import Decimal

import pytest
from lxml import etree

from invoicetron.einvoicing import cii, rules
from invoicetron.einvoicing.document import Address, EInvoice
from tests.einvoicing.writer_samples import (
    CII_XSD,
    SAMPLE_DOCUMENT_ADJUSTMENTS,
    VALID_SAMPLES,
    breakdown_figures,
    exempt_and_out_of_scope_invoice,
    line_figures,
    number_at,
    sample_credit_note,
    sample_invoice,
    text_at,
    xsd_errors,
)

NS = cii.NAMESPACES
SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement/"
LINES = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"


def parse(doc: EInvoice, profile: str = "en16931") -> etree._Element:
    return etree.fromstring(cii.write(doc, profile))


text = functools.partial(text_at, namespaces=NS)
number = functools.partial(number_at, namespaces=NS)


@pytest.mark.parametrize("doc", [sample_invoice(), sample_credit_note()], ids=["380", "381"])
def test_invoices_and_credit_notes_pass_the_en16931_xsd(doc: EInvoice) -> None:
    assert xsd_errors(cii.write(doc), CII_XSD) == []


@pytest.mark.parametrize("doc", VALID_SAMPLES.values(), ids=VALID_SAMPLES.keys())
def test_the_samples_pass_the_en16931_rules_with_no_fatal_failure(doc: EInvoice) -> None:
    report = rules.check_cii(cii.write(doc))
    assert report.fatal == [], str(report)


def test_the_header_names_the_guideline_type_number_and_dates() -> None:
    root = parse(sample_invoice())
    guideline = "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/"
    assert text(root, guideline + "ram:ID") == "urn:cen.eu:en16931:2017"
    assert text(root, "rsm:ExchangedDocument/ram:ID") == "INV-2026-0042"
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "380"
    issued = root.find("rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", NS)
    assert issued is not None and (issued.text, issued.get("format")) == ("20261206", "102")
    assert text(root, "rsm:ExchangedDocument/ram:IncludedNote/ram:Content") == (
        "Thank you for your business."
    )
    assert text(root, AGREEMENT + "ram:BuyerReference") == "04011000-12345-34"
    order = AGREEMENT + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"
    assert text(root, order) == "PO-778"
    assert text(root, SETTLEMENT + "ram:InvoiceCurrencyCode") == "EUR"
    due = SETTLEMENT + "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString"
    assert text(root, due) == "20270105"
    assert text(root, SETTLEMENT + "ram:SpecifiedTradePaymentTerms/ram:Description") == (
        "30 days net"
    )


def test_a_credit_note_references_its_invoice() -> None:
    root = parse(sample_credit_note())
    assert text(root, "rsm:ExchangedDocument/ram:TypeCode") == "381"
    reference = SETTLEMENT + "ram:InvoiceReferencedDocument/"
    assert text(root, reference + "ram:IssuerAssignedID") == "INV-2026-0042"
    assert text(root, reference + "ram:FormattedIssueDateTime/qdt:DateTimeString") == "20261206"


def test_xrechnung_uses_its_guideline_and_requires_the_buyer_reference() -> None:
    root = parse(sample_invoice(), "xrechnung")
    guideline = "rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/"
    assert text(root, guideline + "ram:ID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    )
    with pytest.raises(ValueError, match=r"BT-10"):
        cii.write(sample_invoice(buyer_reference=""), "xrechnung")
    with pytest.raises(ValueError, match="Unknown e-invoice profile 'peppol'"):
        cii.write(sample_invoice(), "peppol")


def test_the_parties_carry_address_vat_id_registration_endpoint_and_contact() -> None:
    root = parse(sample_invoice())
    seller = root.find(AGREEMENT + "ram:SellerTradeParty", NS)
    assert seller is not None
    assert text(seller, "ram:Name") == "Muster Consulting GmbH"
    assert text(seller, "ram:SpecifiedLegalOrganization/ram:ID") == "HRB 12345"
    assert text(seller, "ram:DefinedTradeContact/ram:PersonName") == "Erika Muster"
    phone = "ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/ram:CompleteNumber"
    assert text(seller, phone) == "+49 30 1234567"
    email = "ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"
    assert text(seller, email) == "billing@muster.example"
    address = "ram:PostalTradeAddress/ram:"
    assert [
        text(seller, address + name)
        for name in ("PostcodeCode", "LineOne", "LineTwo", "CityName", "CountryID")
    ] == ["10115", "Hauptstraße 1", "2. OG", "Berlin", "DE"]
    assert text(seller, address + "CountrySubDivisionName") == "Berlin"
    endpoint = seller.find("ram:URIUniversalCommunication/ram:URIID", NS)
    assert endpoint is not None and (endpoint.text, endpoint.get("schemeID")) == (
        "DE123456789",
        "9930",
    )
    vat_id = seller.find("ram:SpecifiedTaxRegistration/ram:ID", NS)
    assert vat_id is not None and (vat_id.text, vat_id.get("schemeID")) == ("DE123456789", "VA")
    buyer = root.find(AGREEMENT + "ram:BuyerTradeParty", NS)
    assert buyer is not None
    assert text(buyer, "ram:SpecifiedTaxRegistration/ram:ID") == "NL123456789B01"
    assert buyer.find("ram:SpecifiedLegalOrganization", NS) is None  # none given
    assert buyer.find("ram:DefinedTradeContact", NS) is None


def test_payment_means_carry_the_iban_bic_and_remittance() -> None:
    root = parse(sample_invoice())
    means = SETTLEMENT + "ram:SpecifiedTradeSettlementPaymentMeans/"
    assert text(root, means + "ram:TypeCode") == "58"
    account = means + "ram:PayeePartyCreditorFinancialAccount/"
    assert text(root, account + "ram:IBANID") == "DE02120300000000202051"
    assert text(root, account + "ram:AccountName") == "Muster Consulting GmbH"
    bic = means + "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"
    assert text(root, bic) == "BYLADEM1001"
    assert text(root, SETTLEMENT + "ram:PaymentReference") == "INV-2026-0042"


def test_every_amount_reads_back_as_the_einvoice_holds_it() -> None:
    doc = sample_invoice()
    root = parse(doc)
    totals = doc.totals
    summation = SETTLEMENT + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    assert {
        name: number(root, summation + name)
        for name in (
            "LineTotalAmount",
            "ChargeTotalAmount",
            "AllowanceTotalAmount",
            "TaxBasisTotalAmount",
            "TaxTotalAmount",
            "GrandTotalAmount",
            "TotalPrepaidAmount",
            "DuePayableAmount",
        )
    } == {
        "LineTotalAmount": totals.line_net_total,
        "ChargeTotalAmount": totals.charge_total,
        "AllowanceTotalAmount": totals.allowance_total,
        "TaxBasisTotalAmount": totals.total_without_vat,
        "TaxTotalAmount": totals.vat_total,
        "GrandTotalAmount": totals.total_with_vat,
        "TotalPrepaidAmount": totals.paid,
        "DuePayableAmount": totals.amount_due,
    }
    assert root.find(summation + "TaxTotalAmount", NS).get("currencyID") == "EUR"  # type: ignore[union-attr]
    assert root.find(summation + "RoundingAmount", NS) is None  # zero: left out
    assert [
        (
            text(row, "ram:CategoryCode"),
            number(row, "ram:RateApplicablePercent"),
            number(row, "ram:BasisAmount"),
            number(row, "ram:CalculatedAmount"),
        )
        for row in root.findall(SETTLEMENT + "ram:ApplicableTradeTax", NS)
    ] == breakdown_figures(doc)
    assert [
        (
            text(element, "ram:ChargeIndicator/udt:Indicator"),
            number(element, "ram:ActualAmount"),
            text(element, "ram:ReasonCode"),
            text(element, "ram:Reason"),
            text(element, "ram:CategoryTradeTax/ram:CategoryCode"),
            number(element, "ram:CategoryTradeTax/ram:RateApplicablePercent"),
        )
        for element in root.findall(SETTLEMENT + "ram:SpecifiedTradeAllowanceCharge", NS)
    ] == SAMPLE_DOCUMENT_ADJUSTMENTS
    items = root.findall(LINES, NS)
    price = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/"
    settlement = "ram:SpecifiedLineTradeSettlement/"
    assert [
        (
            text(item, "ram:AssociatedDocumentLineDocument/ram:LineID"),
            number(item, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
            number(
                item,
                settlement
                + "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
            ),
            number(item, price + "ram:ChargeAmount"),
            number(item, price + "ram:BasisQuantity"),
            text(item, settlement + "ram:ApplicableTradeTax/ram:CategoryCode"),
            number(item, settlement + "ram:ApplicableTradeTax/ram:RateApplicablePercent"),
        )
        for item in items
    ] == line_figures(doc)
    allowance = items[0].find(settlement + "ram:SpecifiedTradeAllowanceCharge", NS)
    assert allowance is not None
    assert text(allowance, "ram:ChargeIndicator/udt:Indicator") == "false"
    assert number(allowance, "ram:CalculationPercent") == Decimal("10")
    assert number(allowance, "ram:BasisAmount") == Decimal("1000.00")
    assert number(allowance, "ram:ActualAmount") == Decimal("100.00")
    assert text(allowance, "ram:ReasonCode") == "95"
    charge = items[1].find(settlement + "ram:SpecifiedTradeAllowanceCharge", NS)
    assert charge is not None
    assert text(charge, "ram:ChargeIndicator/udt:Indicator") == "true"
    assert number(charge, "ram:ActualAmount") == Decimal("5.00")
    assert items[2].find(settlement + "ram:SpecifiedTradeAllowanceCharge", NS) is None


def test_quantities_carry_their_unit_code() -> None:
    items = parse(sample_invoice()).findall(LINES, NS)
    billed = "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"
    assert [item.find(billed, NS).get("unitCode") for item in items] == ["HUR", "C62", "C62"]  # type: ignore[union-attr]
    base = items[1].find(
        "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice/ram:BasisQuantity", NS
    )
    assert base is not None and (base.text, base.get("unitCode")) == ("12", "C62")


def test_exempt_and_out_of_scope_categories_carry_reasons_and_out_of_scope_has_no_rate() -> None:
    doc = exempt_and_out_of_scope_invoice()
    xml = cii.write(doc)
    assert xsd_errors(xml, CII_XSD) == []
    rows = etree.fromstring(xml).findall(SETTLEMENT + "ram:ApplicableTradeTax", NS)
    assert text(rows[0], "ram:RateApplicablePercent") == "0"
    assert text(rows[0], "ram:ExemptionReasonCode") == "VATEX-EU-132"
    assert text(rows[0], "ram:ExemptionReason") == "Exempt: medical care"
    assert rows[1].find("ram:RateApplicablePercent", NS) is None
    line_tax = etree.fromstring(xml).find(
        LINES + "/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax", NS
    )
    assert line_tax is not None
    assert line_tax.find("ram:RateApplicablePercent", NS) is None
    assert line_tax.find("ram:ExemptionReason", NS) is None  # only in the breakdown


def test_a_vat_accounting_currency_adds_a_second_tax_total_and_the_tax_point_date() -> None:
    doc = sample_invoice(
        vat_currency="SEK",
        vat_total_in_vat_currency=Decimal("2010.58"),
        tax_point_date="2026-11-30",
    )
    xml = cii.write(doc)
    assert xsd_errors(xml, CII_XSD) == []
    root = etree.fromstring(xml)
    assert text(root, SETTLEMENT + "ram:TaxCurrencyCode") == "SEK"
    summation = SETTLEMENT + "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
    amounts = [
        (element.text, element.get("currencyID"))
        for element in root.findall(summation + "TaxTotalAmount", NS)
    ]
    assert amounts == [("175.75", "EUR"), ("2010.58", "SEK")]
    point = SETTLEMENT + "ram:ApplicableTradeTax/ram:TaxPointDate/udt:DateString"
    assert text(root, point) == "20261130"


def test_the_delivery_date_and_address_go_in_the_header_trade_delivery() -> None:
    doc = sample_invoice(
        delivery_date="2026-11-30", delivery_address=Address(city="Lyon", country="FR")
    )
    xml = cii.write(doc)
    assert xsd_errors(xml, CII_XSD) == []
    delivery = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery/"
    root = etree.fromstring(xml)
    event = delivery + "ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/"
    assert text(root, event + "udt:DateTimeString") == "20261130"
    address = delivery + "ram:ShipToTradeParty/ram:PostalTradeAddress/"
    assert text(root, address + "ram:CityName") == "Lyon"
    assert text(root, address + "ram:CountryID") == "FR"
    empty = parse(sample_invoice()).find(delivery.rstrip("/"), NS)
    assert empty is not None and len(empty) == 0  # the XSD requires it, even empty
