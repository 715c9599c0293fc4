"""The UBL writer: Peppol BIS Billing 3.0 invoices and credit notes that pass the UBL 2.1 XSD,
carry every business term where the CEN binding puts it, and read back to the same amounts."""

from __future__ import annotations

import dataclasses
import functools
from decimal import Decimal

import pytest
from lxml import etree

from invoicetron.billing.money.en16931 import DocumentTotals
from invoicetron.einvoicing import rules, ubl
from invoicetron.einvoicing.document import Address, EInvoice
from tests.einvoicing.writer_samples import (
    SAMPLE_DOCUMENT_ADJUSTMENTS,
    UBL_CREDIT_NOTE_XSD,
    UBL_INVOICE_XSD,
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

NS = {"cac": ubl.CAC_NS, "cbc": ubl.CBC_NS}


def parse(doc: EInvoice, profile: str = "peppol") -> etree._Element:
    return etree.fromstring(ubl.write(doc, profile))


text = functools.partial(text_at, namespaces=NS)
number = functools.partial(number_at, namespaces=NS)


def test_an_invoice_passes_the_ubl_invoice_xsd() -> None:
    assert xsd_errors(ubl.write(sample_invoice()), UBL_INVOICE_XSD) == []


def test_a_credit_note_passes_the_ubl_credit_note_xsd() -> None:
    assert xsd_errors(ubl.write(sample_credit_note()), UBL_CREDIT_NOTE_XSD) == []


@pytest.mark.parametrize("doc", VALID_SAMPLES.values(), ids=VALID_SAMPLES.keys())
@pytest.mark.parametrize("profile", ubl.PROFILES)
def test_the_samples_pass_the_en16931_rules_with_no_fatal_failure(
    doc: EInvoice, profile: str
) -> None:
    report = rules.check_ubl(ubl.write(doc, profile))
    assert report.fatal == [], str(report)


def test_without_electronic_addresses_it_claims_plain_en16931_not_peppol() -> None:
    """Peppol BIS requires both parties' electronic addresses and a buyer or order reference
    (R003, R010, R020): without them the document claims only what it meets."""
    doc = sample_invoice()
    anonymous = dataclasses.replace(doc, buyer=dataclasses.replace(doc.buyer, endpoint_id=""))
    xml = ubl.write(anonymous)
    root = etree.fromstring(xml)
    assert text(root, "cbc:CustomizationID") == "urn:cen.eu:en16931:2017"
    assert root.find("cbc:ProfileID", NS) is None
    assert rules.check_ubl(xml).fatal == []


def test_an_invoice_names_peppol_bis_3_and_its_type() -> None:
    root = parse(sample_invoice())
    assert etree.QName(root).localname == "Invoice"
    assert text(root, "cbc:CustomizationID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    assert text(root, "cbc:ProfileID") == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert text(root, "cbc:InvoiceTypeCode") == "380"
    assert text(root, "cbc:ID") == "INV-2026-0042"
    assert text(root, "cbc:IssueDate") == "2026-12-06"
    assert text(root, "cbc:DueDate") == "2027-01-05"
    assert text(root, "cbc:DocumentCurrencyCode") == "EUR"
    assert text(root, "cbc:BuyerReference") == "04011000-12345-34"
    assert text(root, "cac:OrderReference/cbc:ID") == "PO-778"
    assert text(root, "cbc:Note") == "Thank you for your business."


def test_a_credit_note_references_its_invoice_and_puts_the_due_date_in_payment_means() -> None:
    root = parse(sample_credit_note())
    assert etree.QName(root).localname == "CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == "381"
    reference = "cac:BillingReference/cac:InvoiceDocumentReference/"
    assert text(root, reference + "cbc:ID") == "INV-2026-0042"
    assert text(root, reference + "cbc:IssueDate") == "2026-12-06"
    assert root.find("cbc:DueDate", NS) is None
    assert text(root, "cac:PaymentMeans/cbc:PaymentDueDate") == "2027-01-05"
    lines = root.findall("cac:CreditNoteLine", NS)
    assert [text(line, "cbc:CreditedQuantity") for line in lines] == ["10.000", "24", "2"]


def test_xrechnung_uses_its_customization_id() -> None:
    root = parse(sample_invoice(), "xrechnung")
    assert text(root, "cbc:CustomizationID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
    )


def test_xrechnung_without_a_buyer_reference_is_refused_naming_bt_10() -> None:
    with pytest.raises(ValueError, match=r"buyer reference \(BT-10"):
        ubl.write(sample_invoice(buyer_reference=" "), "xrechnung")
    assert parse(sample_invoice(buyer_reference=""), "peppol") is not None


def test_an_unknown_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown e-invoice profile 'cius-x'; use one of: peppol"):
        ubl.write(sample_invoice(), "cius-x")


def test_the_parties_carry_address_vat_id_legal_entity_endpoint_and_contact() -> None:
    root = parse(sample_invoice())
    seller = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    assert seller is not None
    endpoint = seller.find("cbc:EndpointID", NS)
    assert endpoint is not None
    assert (endpoint.text, endpoint.get("schemeID")) == ("DE123456789", "9930")
    assert text(seller, "cac:PostalAddress/cbc:StreetName") == "Hauptstraße 1"
    assert text(seller, "cac:PostalAddress/cbc:AdditionalStreetName") == "2. OG"
    assert text(seller, "cac:PostalAddress/cbc:CityName") == "Berlin"
    assert text(seller, "cac:PostalAddress/cbc:PostalZone") == "10115"
    assert text(seller, "cac:PostalAddress/cbc:CountrySubentity") == "Berlin"
    assert text(seller, "cac:PostalAddress/cac:Country/cbc:IdentificationCode") == "DE"
    assert text(seller, "cac:PartyTaxScheme/cbc:CompanyID") == "DE123456789"
    assert text(seller, "cac:PartyTaxScheme/cac:TaxScheme/cbc:ID") == "VAT"
    assert text(seller, "cac:PartyLegalEntity/cbc:RegistrationName") == "Muster Consulting GmbH"
    assert text(seller, "cac:PartyLegalEntity/cbc:CompanyID") == "HRB 12345"
    assert text(seller, "cac:Contact/cbc:Name") == "Erika Muster"
    assert text(seller, "cac:Contact/cbc:Telephone") == "+49 30 1234567"
    assert text(seller, "cac:Contact/cbc:ElectronicMail") == "billing@muster.example"
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    assert buyer is not None
    assert text(buyer, "cac:PartyTaxScheme/cbc:CompanyID") == "NL123456789B01"
    assert buyer.find("cbc:EndpointID", NS).get("schemeID") == "9944"  # type: ignore[union-attr]
    assert buyer.find("cac:PostalAddress/cbc:CountrySubentity", NS) is None  # left blank
    assert buyer.find("cac:Contact", NS) is None


def test_payment_means_carry_the_iban_and_bic_and_the_terms() -> None:
    root = parse(sample_invoice())
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == "58"
    assert text(root, "cac:PaymentMeans/cbc:PaymentID") == "INV-2026-0042"
    account = "cac:PaymentMeans/cac:PayeeFinancialAccount/"
    assert text(root, account + "cbc:ID") == "DE02120300000000202051"
    assert text(root, account + "cbc:Name") == "Muster Consulting GmbH"
    assert text(root, account + "cac:FinancialInstitutionBranch/cbc:ID") == "BYLADEM1001"
    assert text(root, "cac:PaymentTerms/cbc:Note") == "30 days net"


def test_every_amount_reads_back_as_the_einvoice_holds_it() -> None:
    doc = sample_invoice()
    root = parse(doc)
    totals = doc.totals
    monetary = "cac:LegalMonetaryTotal/cbc:"
    assert {
        name: number(root, monetary + name)
        for name in (
            "LineExtensionAmount",
            "TaxExclusiveAmount",
            "TaxInclusiveAmount",
            "AllowanceTotalAmount",
            "ChargeTotalAmount",
            "PrepaidAmount",
            "PayableAmount",
        )
    } == {
        "LineExtensionAmount": totals.line_net_total,
        "TaxExclusiveAmount": totals.total_without_vat,
        "TaxInclusiveAmount": totals.total_with_vat,
        "AllowanceTotalAmount": totals.allowance_total,
        "ChargeTotalAmount": totals.charge_total,
        "PrepaidAmount": totals.paid,
        "PayableAmount": totals.amount_due,
    }
    assert root.find(monetary + "PayableRoundingAmount", NS) is None  # zero: left out
    assert number(root, "cac:TaxTotal/cbc:TaxAmount") == totals.vat_total
    assert [
        (
            text(row, "cac:TaxCategory/cbc:ID"),
            number(row, "cac:TaxCategory/cbc:Percent"),
            number(row, "cbc:TaxableAmount"),
            number(row, "cbc:TaxAmount"),
        )
        for row in root.findall("cac:TaxTotal/cac:TaxSubtotal", NS)
    ] == breakdown_figures(doc)
    assert [
        (
            text(element, "cbc:ChargeIndicator"),
            number(element, "cbc:Amount"),
            text(element, "cbc:AllowanceChargeReasonCode"),
            text(element, "cbc:AllowanceChargeReason"),
            text(element, "cac:TaxCategory/cbc:ID"),
            number(element, "cac:TaxCategory/cbc:Percent"),
        )
        for element in root.findall("cac:AllowanceCharge", NS)
    ] == SAMPLE_DOCUMENT_ADJUSTMENTS
    lines = root.findall("cac:InvoiceLine", NS)
    assert [
        (
            text(element, "cbc:ID"),
            number(element, "cbc:InvoicedQuantity"),
            number(element, "cbc:LineExtensionAmount"),
            number(element, "cac:Price/cbc:PriceAmount"),
            number(element, "cac:Price/cbc:BaseQuantity"),
            text(element, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
            number(element, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"),
        )
        for element in lines
    ] == line_figures(doc)
    allowance = lines[0].find("cac:AllowanceCharge", NS)
    assert allowance is not None
    assert text(allowance, "cbc:ChargeIndicator") == "false"
    assert number(allowance, "cbc:MultiplierFactorNumeric") == Decimal("10")
    assert number(allowance, "cbc:Amount") == Decimal("100.00")
    assert number(allowance, "cbc:BaseAmount") == Decimal("1000.00")
    charge = lines[1].find("cac:AllowanceCharge", NS)
    assert charge is not None
    assert (text(charge, "cbc:ChargeIndicator"), number(charge, "cbc:Amount")) == (
        "true",
        Decimal("5.00"),
    )
    assert lines[2].find("cac:AllowanceCharge", NS) is None
    currencies = {
        element.get("currencyID") for element in root.iter() if "currencyID" in element.attrib
    }
    assert currencies == {"EUR"}


def test_quantities_carry_their_unit_code_on_the_quantity_and_the_base_quantity() -> None:
    root = parse(sample_invoice())
    line = root.findall("cac:InvoiceLine", NS)[1]
    assert line.find("cbc:InvoicedQuantity", NS).get("unitCode") == "C62"  # type: ignore[union-attr]
    base = line.find("cac:Price/cbc:BaseQuantity", NS)
    assert base is not None and (base.text, base.get("unitCode")) == ("12", "C62")
    first = root.findall("cac:InvoiceLine", NS)[0]
    assert first.find("cbc:InvoicedQuantity", NS).get("unitCode") == "HUR"  # type: ignore[union-attr]


def test_amounts_are_written_exactly_as_held_in_the_currencys_minor_unit() -> None:
    doc = sample_invoice(
        currency="KWD",  # three decimals (written as held; EN 16931 itself allows two, BR-DEC)
        totals=DocumentTotals(
            line_net_total=Decimal("995.000"),
            allowance_total=Decimal("50.000"),
            charge_total=Decimal("10.000"),
            total_without_vat=Decimal("955.000"),
            vat_total=Decimal("175.750"),
            total_with_vat=Decimal("1130.750"),
            paid=Decimal("1E+2"),  # an exponent is written out, never as "1E+2"
            rounding=Decimal("0.000"),
            amount_due=Decimal("1030.750"),
        ),
    )
    root = parse(doc)
    assert text(root, "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount") == "1130.750"
    assert text(root, "cac:LegalMonetaryTotal/cbc:PrepaidAmount") == "100"
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == "175.750"


def test_exempt_and_out_of_scope_categories_carry_reasons_and_out_of_scope_has_no_rate() -> None:
    doc = exempt_and_out_of_scope_invoice()
    root = parse(doc)
    rows = root.findall("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory", NS)
    assert text(rows[0], "cbc:Percent") == "0"
    assert text(rows[0], "cbc:TaxExemptionReasonCode") == "VATEX-EU-132"
    assert text(rows[0], "cbc:TaxExemptionReason") == "Exempt: medical care"
    assert rows[1].find("cbc:Percent", NS) is None
    assert text(rows[1], "cbc:TaxExemptionReasonCode") == "VATEX-EU-O"
    line_category = root.find("cac:InvoiceLine/cac:Item/cac:ClassifiedTaxCategory", NS)
    assert line_category is not None
    assert line_category.find("cbc:Percent", NS) is None
    assert line_category.find("cbc:TaxExemptionReason", NS) is None  # only in the breakdown


def test_a_vat_accounting_currency_adds_its_own_tax_total() -> None:
    root = parse(sample_invoice(vat_currency="SEK", vat_total_in_vat_currency=Decimal("2010.58")))
    assert text(root, "cbc:TaxCurrencyCode") == "SEK"
    totals = root.findall("cac:TaxTotal", NS)
    assert len(totals) == 2
    amount = totals[1].find("cbc:TaxAmount", NS)
    assert amount is not None and (amount.text, amount.get("currencyID")) == ("2010.58", "SEK")
    assert totals[1].find("cac:TaxSubtotal", NS) is None
    assert xsd_errors(etree.tostring(root), UBL_INVOICE_XSD) == []


def test_the_delivery_date_and_address_go_in_delivery() -> None:
    doc = sample_invoice(
        delivery_date="2026-11-30", delivery_address=Address(city="Lyon", country="FR")
    )
    xml = ubl.write(doc)
    assert xsd_errors(xml, UBL_INVOICE_XSD) == []
    root = etree.fromstring(xml)
    assert text(root, "cac:Delivery/cbc:ActualDeliveryDate") == "2026-11-30"
    address = "cac:Delivery/cac:DeliveryLocation/cac:Address/"
    assert text(root, address + "cbc:CityName") == "Lyon"
    assert text(root, address + "cac:Country/cbc:IdentificationCode") == "FR"
    assert parse(sample_invoice()).find("cac:Delivery", NS) is None


def test_characters_xml_cannot_hold_are_left_out_of_pasted_text() -> None:
    line = dataclasses.replace(sample_invoice().lines[0], description="Review\x0bpart\x00 two")
    xml = ubl.write(sample_invoice(lines=(line,), note="Thanks\x1f!"))
    root = etree.fromstring(xml)
    assert text(root, "cac:InvoiceLine/cac:Item/cbc:Description") == "Reviewpart two"
    assert text(root, "cbc:Note") == "Thanks!"
