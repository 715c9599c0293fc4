"""UN/CEFACT Cross Industry Invoice (CII D16B), EN 16931 profile: the XML inside Factur-X.

`write(doc, profile="en16931") -> bytes` is the one entry point. Profiles: "en16931" (guideline
`urn:cen.eu:en16931:2017`, which Factur-X calls its EN 16931 level) and "xrechnung" (XRechnung
3.0, which requires the buyer reference BT-10). Invoices and credit notes share one structure; the
type code (BT-3) tells them apart and a credit note's amounts are positive, as in UBL.
Elements follow the XSD's sequences (Factur-X's EN 16931 XSD, a strict subset of D16B); amounts
are written exactly as the EInvoice holds them.
"""

from __future__ import annotations

from decimal import Decimal

from lxml import etree

from invoicetron.einvoicing.document import (
    Address,
    Adjustment,
    EInvoice,
    Line,
    Party,
    VatCategory,
)
from invoicetron.einvoicing.writing import (
    XRECHNUNG,
    XRECHNUNG_ID,
    add,
    add_text,
    check_profile,
    compact_date,
    number_text,
    serialise,
)

EN16931 = "en16931"
PROFILES = (EN16931, XRECHNUNG)
GUIDELINES = {EN16931: "urn:cen.eu:en16931:2017", XRECHNUNG: XRECHNUNG_ID}  # BT-24

RSM_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM_NS = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT_NS = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
QDT_NS = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
NAMESPACES = {"rsm": RSM_NS, "ram": RAM_NS, "udt": UDT_NS, "qdt": QDT_NS}
DATE_FORMAT = "102"  # YYYYMMDD
NOT_SUBJECT_TO_VAT = "O"  # its rate (BT-119, BT-152) is never written


def rsm(name: str) -> str:
    return f"{{{RSM_NS}}}{name}"


def ram(name: str) -> str:
    return f"{{{RAM_NS}}}{name}"


def write(doc: EInvoice, profile: str = EN16931) -> bytes:
    """The CII document of `doc` (invoice 380 or credit note 381).

    ValueError for an unknown profile, or "xrechnung" without the buyer reference (BT-10).
    """
    check_profile(doc, profile, PROFILES)
    root = etree.Element(rsm("CrossIndustryInvoice"), nsmap=NAMESPACES)
    context = add(root, rsm("ExchangedDocumentContext"))
    guideline = add(context, ram("GuidelineSpecifiedDocumentContextParameter"))
    add(guideline, ram("ID"), GUIDELINES[profile])
    header = add(root, rsm("ExchangedDocument"))
    add(header, ram("ID"), doc.number)  # BT-1
    add(header, ram("TypeCode"), doc.type_code)  # BT-3
    add_date(header, ram("IssueDateTime"), doc.issue_date)  # BT-2
    if doc.note:
        add(add(header, ram("IncludedNote")), ram("Content"), doc.note)  # BT-22
    transaction = add(root, rsm("SupplyChainTradeTransaction"))
    for line in doc.lines:
        add_line(transaction, line)
    add_agreement(transaction, doc)
    add_delivery(transaction, doc)
    add_settlement(transaction, doc)
    return serialise(root)


def add_date(parent: etree._Element, tag: str, iso_date: str) -> None:
    """A date element holding udt:DateTimeString in format 102."""
    string = f"{{{UDT_NS}}}DateTimeString"
    add(add(parent, tag), string, compact_date(iso_date), format=DATE_FORMAT)


def add_line(transaction: etree._Element, line: Line) -> None:
    """BG-25: item, net price per base quantity, quantity, VAT, allowances, net amount."""
    item = add(transaction, ram("IncludedSupplyChainTradeLineItem"))
    add(add(item, ram("AssociatedDocumentLineDocument")), ram("LineID"), line.id)  # BT-126
    product = add(item, ram("SpecifiedTradeProduct"))
    add(product, ram("Name"), line.name)  # BT-153
    add_text(product, ram("Description"), line.description)  # BT-154
    agreement = add(item, ram("SpecifiedLineTradeAgreement"))
    price = add(agreement, ram("NetPriceProductTradePrice"))
    add(price, ram("ChargeAmount"), number_text(line.net_price))  # BT-146
    base = number_text(line.base_quantity)
    add(price, ram("BasisQuantity"), base, unitCode=line.unit_code)  # BT-149/150
    delivery = add(item, ram("SpecifiedLineTradeDelivery"))
    quantity = number_text(line.quantity)
    add(delivery, ram("BilledQuantity"), quantity, unitCode=line.unit_code)  # BT-129/130
    settlement = add(item, ram("SpecifiedLineTradeSettlement"))
    add_trade_tax(settlement, ram("ApplicableTradeTax"), line.vat)  # BT-151/152
    for adjustment in line.adjustments:  # BG-27, BG-28
        add_adjustment(settlement, adjustment)
    summation = add(settlement, ram("SpecifiedTradeSettlementLineMonetarySummation"))
    add(summation, ram("LineTotalAmount"), number_text(line.net_amount))  # BT-131


def add_agreement(transaction: etree._Element, doc: EInvoice) -> None:
    """The buyer reference, seller, buyer and purchase order."""
    agreement = add(transaction, ram("ApplicableHeaderTradeAgreement"))
    add_text(agreement, ram("BuyerReference"), doc.buyer_reference)  # BT-10
    add_party(agreement, ram("SellerTradeParty"), doc.seller)  # BG-4
    add_party(agreement, ram("BuyerTradeParty"), doc.buyer)  # BG-7
    if doc.order_reference:  # BT-13
        order = add(agreement, ram("BuyerOrderReferencedDocument"))
        add(order, ram("IssuerAssignedID"), doc.order_reference)


def add_party(parent: etree._Element, tag: str, party: Party) -> None:
    """BG-4 / BG-7: name, legal registration, contact, address, electronic address, VAT id."""
    element = add(parent, tag)
    add(element, ram("Name"), party.name)  # BT-27 / BT-44
    if party.registration_id:  # BT-30 / BT-47
        add(add(element, ram("SpecifiedLegalOrganization")), ram("ID"), party.registration_id)
    if party.contact_name or party.contact_phone or party.contact_email:  # BG-6 / BG-9
        contact = add(element, ram("DefinedTradeContact"))
        add_text(contact, ram("PersonName"), party.contact_name)
        if party.contact_phone:
            phone = add(contact, ram("TelephoneUniversalCommunication"))
            add(phone, ram("CompleteNumber"), party.contact_phone)
        if party.contact_email:
            email = add(contact, ram("EmailURIUniversalCommunication"))
            add(email, ram("URIID"), party.contact_email)
    add_address(element, party.address)  # BG-5 / BG-8
    if party.endpoint_id:  # BT-34 / BT-49
        endpoint = add(element, ram("URIUniversalCommunication"))
        add(endpoint, ram("URIID"), party.endpoint_id, schemeID=party.endpoint_scheme)
    if party.vat_id:  # BT-31 / BT-48
        registration = add(element, ram("SpecifiedTaxRegistration"))
        add(registration, ram("ID"), party.vat_id, schemeID="VA")


def add_address(party: etree._Element, address: Address) -> None:
    """A party's postal address (BG-5, BG-8, BG-15): the lines given, and always the country."""
    element = add(party, ram("PostalTradeAddress"))
    add_text(element, ram("PostcodeCode"), address.postcode)
    add_text(element, ram("LineOne"), address.street)
    add_text(element, ram("LineTwo"), address.additional_street)
    add_text(element, ram("CityName"), address.city)
    add(element, ram("CountryID"), address.country)
    add_text(element, ram("CountrySubDivisionName"), address.subdivision)


def add_delivery(transaction: etree._Element, doc: EInvoice) -> None:
    """BG-13 (required by the XSD, even when empty): the address delivered to (BG-15) and the
    actual delivery date (BT-72)."""
    delivery = add(transaction, ram("ApplicableHeaderTradeDelivery"))
    if doc.delivery_address is not None:
        add_address(add(delivery, ram("ShipToTradeParty")), doc.delivery_address)
    if doc.delivery_date:
        event = add(delivery, ram("ActualDeliverySupplyChainEvent"))
        add_date(event, ram("OccurrenceDateTime"), doc.delivery_date)


def add_settlement(transaction: etree._Element, doc: EInvoice) -> None:
    """Currencies, payment means, VAT breakdown, document allowances and charges, terms, BG-22,
    and the preceding invoice."""
    settlement = add(transaction, ram("ApplicableHeaderTradeSettlement"))
    payment = doc.payment
    add_text(settlement, ram("PaymentReference"), payment.remittance)  # BT-83
    add_text(settlement, ram("TaxCurrencyCode"), doc.vat_currency)  # BT-6
    add(settlement, ram("InvoiceCurrencyCode"), doc.currency)  # BT-5
    if payment.code:  # BG-16
        means = add(settlement, ram("SpecifiedTradeSettlementPaymentMeans"))
        add(means, ram("TypeCode"), payment.code)  # BT-81
        if payment.iban:  # BG-17
            account = add(means, ram("PayeePartyCreditorFinancialAccount"))
            add(account, ram("IBANID"), payment.iban)  # BT-84
            add_text(account, ram("AccountName"), payment.account_name)  # BT-85
        if payment.iban and payment.bic:
            institution = add(means, ram("PayeeSpecifiedCreditorFinancialInstitution"))
            add(institution, ram("BICID"), payment.bic)  # BT-86
    for row in doc.vat_breakdown:  # BG-23
        add_trade_tax(
            settlement,
            ram("ApplicableTradeTax"),
            row.vat,
            amounts=(row.tax_amount, row.taxable_amount),
            tax_point_date=doc.tax_point_date,
        )
    for adjustment in doc.adjustments:  # BG-20, BG-21
        add_adjustment(settlement, adjustment)
    if payment.terms or doc.due_date:
        terms = add(settlement, ram("SpecifiedTradePaymentTerms"))
        add_text(terms, ram("Description"), payment.terms)  # BT-20
        if doc.due_date:
            add_date(terms, ram("DueDateDateTime"), doc.due_date)  # BT-9
    add_monetary_summation(settlement, doc)
    for number, date in doc.billing_references():  # BG-3
        reference = add(settlement, ram("InvoiceReferencedDocument"))
        add(reference, ram("IssuerAssignedID"), number)  # BT-25
        if date:  # BT-26
            issued = add(reference, ram("FormattedIssueDateTime"))
            string = f"{{{QDT_NS}}}DateTimeString"
            add(issued, string, compact_date(date), format=DATE_FORMAT)


def add_trade_tax(
    parent: etree._Element,
    tag: str,
    vat: VatCategory,
    *,
    amounts: tuple[Decimal, Decimal] | None = None,
    tax_point_date: str = "",
) -> None:
    """A VAT category: on a line or an allowance just code and rate; in the breakdown
    (`amounts` = tax, taxable) also the amounts, the exemption reason and BT-7."""
    tax = add(parent, tag)
    if amounts is not None:
        add(tax, ram("CalculatedAmount"), number_text(amounts[0]))  # BT-117
    add(tax, ram("TypeCode"), "VAT")
    if amounts is not None:
        add_text(tax, ram("ExemptionReason"), vat.exemption_reason)  # BT-120
        add(tax, ram("BasisAmount"), number_text(amounts[1]))  # BT-116
    add(tax, ram("CategoryCode"), vat.code)  # BT-118 / BT-151
    if amounts is not None:
        add_text(tax, ram("ExemptionReasonCode"), vat.exemption_code)  # BT-121
        if tax_point_date:  # BT-7
            point = add(tax, ram("TaxPointDate"))
            add(point, f"{{{UDT_NS}}}DateString", compact_date(tax_point_date), format=DATE_FORMAT)
    if vat.code != NOT_SUBJECT_TO_VAT:
        add(tax, ram("RateApplicablePercent"), number_text(vat.rate))  # BT-119 / BT-152


def add_adjustment(parent: etree._Element, adjustment: Adjustment) -> None:
    """One allowance or charge (BG-20/21 on the document, BG-27/28 on a line)."""
    element = add(parent, ram("SpecifiedTradeAllowanceCharge"))
    indicator = add(element, ram("ChargeIndicator"))
    add(indicator, f"{{{UDT_NS}}}Indicator", "true" if adjustment.charge else "false")
    if adjustment.percent is not None:
        add(element, ram("CalculationPercent"), number_text(adjustment.percent))
    if adjustment.base is not None:
        add(element, ram("BasisAmount"), number_text(adjustment.base))
    add(element, ram("ActualAmount"), number_text(adjustment.amount))
    add_text(element, ram("ReasonCode"), adjustment.reason_code)
    add_text(element, ram("Reason"), adjustment.reason)
    if adjustment.vat is not None:  # document level: BT-95/96, BT-102/103
        add_trade_tax(element, ram("CategoryTradeTax"), adjustment.vat)


def add_monetary_summation(settlement: etree._Element, doc: EInvoice) -> None:
    """BG-22; the allowance, charge, prepaid and rounding totals only when they say something."""
    totals, currency = doc.totals, doc.currency
    has_allowances = any(not adjustment.charge for adjustment in doc.adjustments)
    has_charges = any(adjustment.charge for adjustment in doc.adjustments)
    summation = add(settlement, ram("SpecifiedTradeSettlementHeaderMonetarySummation"))
    add(summation, ram("LineTotalAmount"), number_text(totals.line_net_total))  # BT-106
    if has_charges or totals.charge_total:
        add(summation, ram("ChargeTotalAmount"), number_text(totals.charge_total))  # BT-108
    if has_allowances or totals.allowance_total:
        add(summation, ram("AllowanceTotalAmount"), number_text(totals.allowance_total))  # BT-107
    add(summation, ram("TaxBasisTotalAmount"), number_text(totals.total_without_vat))  # BT-109
    vat_total = number_text(totals.vat_total)
    add(summation, ram("TaxTotalAmount"), vat_total, currencyID=currency)  # BT-110
    if doc.vat_currency and doc.vat_total_in_vat_currency is not None:  # BT-111
        other = number_text(doc.vat_total_in_vat_currency)
        add(summation, ram("TaxTotalAmount"), other, currencyID=doc.vat_currency)
    if totals.rounding:
        add(summation, ram("RoundingAmount"), number_text(totals.rounding))  # BT-114
    add(summation, ram("GrandTotalAmount"), number_text(totals.total_with_vat))  # BT-112
    if totals.paid:
        add(summation, ram("TotalPrepaidAmount"), number_text(totals.paid))  # BT-113
    add(summation, ram("DuePayableAmount"), number_text(totals.amount_due))  # BT-115
