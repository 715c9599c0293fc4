"""UBL 2.1 Invoice (type 380) and CreditNote (type 381) per Peppol BIS Billing 3.0 / EN 16931.

`write(doc, profile="peppol") -> bytes` is the one entry point. Profiles: "peppol" (Peppol BIS
Billing 3.0, the EN 16931 CIUS most networks expect) and "xrechnung" (XRechnung 3.0, which requires
the buyer reference BT-10). The XML follows the UBL XSD's element order (a sequence: an element out
of place fails validation) and the CEN syntax binding of each business term, noted as BT-n.
Amounts are written exactly as the EInvoice holds them; nothing here adds or rounds money.
"""

from __future__ import annotations

from lxml import etree

from invoicetron.einvoicing.document import (
    CREDIT_NOTE,
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
    number_text,
    serialise,
)

PEPPOL = "peppol"
PROFILES = (PEPPOL, XRECHNUNG)
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
CUSTOMIZATIONS = {PEPPOL: PEPPOL_CUSTOMIZATION, XRECHNUNG: XRECHNUNG_ID}
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"  # BT-23, the Peppol billing process
# A document that lacks what Peppol BIS adds to EN 16931 (PEPPOL-EN16931-R003: a buyer or order
# reference; R010/R020: both parties' electronic addresses) claims plain EN 16931 instead.
EN16931_CUSTOMIZATION = "urn:cen.eu:en16931:2017"


def peppol_ready(doc: EInvoice) -> bool:
    """Whether `doc` has what Peppol BIS Billing 3.0 requires beyond EN 16931 (the rules
    Invoicetron cannot run: R003, R010, R020)."""
    has_reference = bool(doc.buyer_reference.strip() or doc.order_reference.strip())
    return has_reference and bool(doc.seller.endpoint_id and doc.buyer.endpoint_id)


INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC_NS = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NOT_SUBJECT_TO_VAT = "O"  # its rate (BT-119, BT-152) is never written


def cac(name: str) -> str:
    return f"{{{CAC_NS}}}{name}"


def cbc(name: str) -> str:
    return f"{{{CBC_NS}}}{name}"


def write(doc: EInvoice, profile: str = PEPPOL) -> bytes:
    """The UBL document of `doc`: an Invoice, or a CreditNote when doc.type_code is 381.

    ValueError for an unknown profile, or "xrechnung" without the buyer reference (BT-10).
    "peppol" claims Peppol BIS Billing 3.0 only for a document that has what it requires
    (`peppol_ready`), plain EN 16931 otherwise.
    """
    check_profile(doc, profile, PROFILES)
    credit = doc.type_code == CREDIT_NOTE
    root_name = "CreditNote" if credit else "Invoice"
    root_ns = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = etree.Element(
        f"{{{root_ns}}}{root_name}", nsmap={None: root_ns, "cac": CAC_NS, "cbc": CBC_NS}
    )
    if profile == PEPPOL and not peppol_ready(doc):
        add(root, cbc("CustomizationID"), EN16931_CUSTOMIZATION)  # BT-24
    else:
        add(root, cbc("CustomizationID"), CUSTOMIZATIONS[profile])  # BT-24
        add(root, cbc("ProfileID"), PEPPOL_PROFILE)  # BT-23
    add(root, cbc("ID"), doc.number)  # BT-1
    add(root, cbc("IssueDate"), doc.issue_date)  # BT-2
    if credit:  # a CreditNote has no DueDate; its BT-9 is the payment means' due date
        add_text(root, cbc("TaxPointDate"), doc.tax_point_date)  # BT-7
        add(root, cbc("CreditNoteTypeCode"), doc.type_code)  # BT-3
        add_text(root, cbc("Note"), doc.note)  # BT-22
    else:
        add_text(root, cbc("DueDate"), doc.due_date)  # BT-9
        add(root, cbc("InvoiceTypeCode"), doc.type_code)  # BT-3
        add_text(root, cbc("Note"), doc.note)  # BT-22
        add_text(root, cbc("TaxPointDate"), doc.tax_point_date)  # BT-7
    add(root, cbc("DocumentCurrencyCode"), doc.currency)  # BT-5
    add_text(root, cbc("TaxCurrencyCode"), doc.vat_currency)  # BT-6
    add_text(root, cbc("BuyerReference"), doc.buyer_reference)  # BT-10
    if doc.order_reference:
        add(add(root, cac("OrderReference")), cbc("ID"), doc.order_reference)  # BT-13
    for number, date in doc.billing_references():  # BG-3
        reference = add(add(root, cac("BillingReference")), cac("InvoiceDocumentReference"))
        add(reference, cbc("ID"), number)  # BT-25
        add_text(reference, cbc("IssueDate"), date)  # BT-26
    add_party(add(root, cac("AccountingSupplierParty")), doc.seller)  # BG-4
    add_party(add(root, cac("AccountingCustomerParty")), doc.buyer)  # BG-7
    add_delivery(root, doc)
    add_payment(root, doc, credit)
    for adjustment in doc.adjustments:  # BG-20, BG-21
        add_adjustment(root, adjustment, doc.currency)
    add_tax_totals(root, doc)
    add_monetary_total(root, doc)
    for line in doc.lines:
        add_line(root, line, doc.currency, credit)
    return serialise(root)


def add_party(parent: etree._Element, party: Party) -> None:
    """BG-4 / BG-7: electronic address, postal address, VAT id, legal entity, contact."""
    element = add(parent, cac("Party"))
    if party.endpoint_id:  # BT-34 / BT-49
        add(element, cbc("EndpointID"), party.endpoint_id, schemeID=party.endpoint_scheme)
    add_address(element, cac("PostalAddress"), party.address)  # BG-5 / BG-8
    if party.vat_id:  # BT-31 / BT-48
        tax_scheme = add(element, cac("PartyTaxScheme"))
        add(tax_scheme, cbc("CompanyID"), party.vat_id)
        add(add(tax_scheme, cac("TaxScheme")), cbc("ID"), "VAT")
    legal = add(element, cac("PartyLegalEntity"))
    add(legal, cbc("RegistrationName"), party.name)  # BT-27 / BT-44
    add_text(legal, cbc("CompanyID"), party.registration_id)  # BT-30 / BT-47
    if party.contact_name or party.contact_phone or party.contact_email:  # BG-6 / BG-9
        contact = add(element, cac("Contact"))
        add_text(contact, cbc("Name"), party.contact_name)
        add_text(contact, cbc("Telephone"), party.contact_phone)
        add_text(contact, cbc("ElectronicMail"), party.contact_email)


def add_address(parent: etree._Element, tag: str, address: Address) -> None:
    """A postal address (BG-5, BG-8, BG-15): the lines given, and always the country."""
    element = add(parent, tag)
    add_text(element, cbc("StreetName"), address.street)
    add_text(element, cbc("AdditionalStreetName"), address.additional_street)
    add_text(element, cbc("CityName"), address.city)
    add_text(element, cbc("PostalZone"), address.postcode)
    add_text(element, cbc("CountrySubentity"), address.subdivision)
    add(add(element, cac("Country")), cbc("IdentificationCode"), address.country)


def add_delivery(root: etree._Element, doc: EInvoice) -> None:
    """BG-13: the actual delivery date (BT-72) and the address delivered to (BG-15)."""
    if not doc.delivery_date and doc.delivery_address is None:
        return
    delivery = add(root, cac("Delivery"))
    add_text(delivery, cbc("ActualDeliveryDate"), doc.delivery_date)
    if doc.delivery_address is not None:
        location = add(delivery, cac("DeliveryLocation"))
        add_address(location, cac("Address"), doc.delivery_address)


def add_payment(root: etree._Element, doc: EInvoice, credit: bool) -> None:
    """BG-16 payment means (with the IBAN of BG-17) and BT-20 payment terms."""
    payment = doc.payment
    if payment.code:
        means = add(root, cac("PaymentMeans"))
        add(means, cbc("PaymentMeansCode"), payment.code)  # BT-81
        if credit:
            add_text(means, cbc("PaymentDueDate"), doc.due_date)  # BT-9
        add_text(means, cbc("PaymentID"), payment.remittance)  # BT-83
        if payment.iban:  # BG-17
            account = add(means, cac("PayeeFinancialAccount"))
            add(account, cbc("ID"), payment.iban)  # BT-84
            add_text(account, cbc("Name"), payment.account_name)  # BT-85
            if payment.bic:
                branch = add(account, cac("FinancialInstitutionBranch"))
                add(branch, cbc("ID"), payment.bic)  # BT-86
    if payment.terms:
        add(add(root, cac("PaymentTerms")), cbc("Note"), payment.terms)  # BT-20


def add_adjustment(parent: etree._Element, adjustment: Adjustment, currency: str) -> None:
    """One allowance or charge (BG-20/21 on the document, BG-27/28 on a line)."""
    element = add(parent, cac("AllowanceCharge"))
    add(element, cbc("ChargeIndicator"), "true" if adjustment.charge else "false")
    add_text(element, cbc("AllowanceChargeReasonCode"), adjustment.reason_code)
    add_text(element, cbc("AllowanceChargeReason"), adjustment.reason)
    if adjustment.percent is not None:
        add(element, cbc("MultiplierFactorNumeric"), number_text(adjustment.percent))
    add(element, cbc("Amount"), number_text(adjustment.amount), currencyID=currency)
    if adjustment.base is not None:
        add(element, cbc("BaseAmount"), number_text(adjustment.base), currencyID=currency)
    if adjustment.vat is not None:  # document level: BT-95/96, BT-102/103
        add_tax_category(element, cac("TaxCategory"), adjustment.vat, with_reason=False)


def add_tax_category(
    parent: etree._Element, tag: str, vat: VatCategory, *, with_reason: bool
) -> None:
    """A VAT category with its rate (none for O) and, in the breakdown, its exemption reason."""
    category = add(parent, tag)
    add(category, cbc("ID"), vat.code)
    if vat.code != NOT_SUBJECT_TO_VAT:
        add(category, cbc("Percent"), number_text(vat.rate))
    if with_reason:
        add_text(category, cbc("TaxExemptionReasonCode"), vat.exemption_code)  # BT-121
        add_text(category, cbc("TaxExemptionReason"), vat.exemption_reason)  # BT-120
    add(add(category, cac("TaxScheme")), cbc("ID"), "VAT")


def add_tax_totals(root: etree._Element, doc: EInvoice) -> None:
    """BT-110 with the BG-23 breakdown; BT-111 in its own TaxTotal when BT-6 is given."""
    currency = doc.currency
    total = add(root, cac("TaxTotal"))
    add(total, cbc("TaxAmount"), number_text(doc.totals.vat_total), currencyID=currency)
    for row in doc.vat_breakdown:
        subtotal = add(total, cac("TaxSubtotal"))
        add(subtotal, cbc("TaxableAmount"), number_text(row.taxable_amount), currencyID=currency)
        add(subtotal, cbc("TaxAmount"), number_text(row.tax_amount), currencyID=currency)
        add_tax_category(subtotal, cac("TaxCategory"), row.vat, with_reason=True)
    if doc.vat_currency and doc.vat_total_in_vat_currency is not None:
        other = add(root, cac("TaxTotal"))
        amount = number_text(doc.vat_total_in_vat_currency)
        add(other, cbc("TaxAmount"), amount, currencyID=doc.vat_currency)


def add_monetary_total(root: etree._Element, doc: EInvoice) -> None:
    """BG-22; the allowance, charge, prepaid and rounding totals only when they say something."""
    totals, currency = doc.totals, doc.currency
    has_allowances = any(not adjustment.charge for adjustment in doc.adjustments)
    has_charges = any(adjustment.charge for adjustment in doc.adjustments)
    rows = (
        ("LineExtensionAmount", totals.line_net_total, True),  # BT-106
        ("TaxExclusiveAmount", totals.total_without_vat, True),  # BT-109
        ("TaxInclusiveAmount", totals.total_with_vat, True),  # BT-112
        ("AllowanceTotalAmount", totals.allowance_total, has_allowances),  # BT-107
        ("ChargeTotalAmount", totals.charge_total, has_charges),  # BT-108
        ("PrepaidAmount", totals.paid, bool(totals.paid)),  # BT-113
        ("PayableRoundingAmount", totals.rounding, bool(totals.rounding)),  # BT-114
        ("PayableAmount", totals.amount_due, True),  # BT-115
    )
    monetary = add(root, cac("LegalMonetaryTotal"))
    for name, value, wanted in rows:
        if wanted or value:
            add(monetary, cbc(name), number_text(value), currencyID=currency)


def add_line(root: etree._Element, line: Line, currency: str, credit: bool) -> None:
    """BG-25: quantity, net amount, line allowances and charges, item, VAT, price."""
    element = add(root, cac("CreditNoteLine" if credit else "InvoiceLine"))
    add(element, cbc("ID"), line.id)  # BT-126
    quantity = "CreditedQuantity" if credit else "InvoicedQuantity"
    add(element, cbc(quantity), number_text(line.quantity), unitCode=line.unit_code)  # BT-129/130
    add(element, cbc("LineExtensionAmount"), number_text(line.net_amount), currencyID=currency)
    for adjustment in line.adjustments:  # BG-27, BG-28
        add_adjustment(element, adjustment, currency)
    item = add(element, cac("Item"))
    add_text(item, cbc("Description"), line.description)  # BT-154
    add(item, cbc("Name"), line.name)  # BT-153
    add_tax_category(item, cac("ClassifiedTaxCategory"), line.vat, with_reason=False)
    price = add(element, cac("Price"))
    add(price, cbc("PriceAmount"), number_text(line.net_price), currencyID=currency)  # BT-146
    base = number_text(line.base_quantity)
    add(price, cbc("BaseQuantity"), base, unitCode=line.unit_code)  # BT-149/150
