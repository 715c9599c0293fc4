"""Done, as issue #17 says it: an owner fills in the profile once, issues an invoice to an EU
business customer, and downloads a Factur-X PDF and a UBL file that the official rules accept —
all through the API, checked with the EN 16931 XSDs and schematron (einvoicing.rules)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.einvoicing.rules import check_cii, check_facturx, check_ubl
from tests.fixtures.api import Api

UBL = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CII = {"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}
UBL_TOTALS = {
    "net_total": "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "tax_total": "cac:TaxTotal/cbc:TaxAmount",
    "total": "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
    "due": "cac:LegalMonetaryTotal/cbc:PayableAmount",
}
SUMMATION = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:"
CII_TOTALS = {
    "net_total": f"{SUMMATION}TaxBasisTotalAmount",
    "tax_total": f"{SUMMATION}TaxTotalAmount",
    "total": f"{SUMMATION}GrandTotalAmount",
    "due": f"{SUMMATION}DuePayableAmount",
}


def created(answer: Any) -> dict[str, Any]:
    assert answer.status in (200, 201), answer.body
    return dict(answer.body)


def totals(xml: bytes, paths: dict[str, str], namespaces: dict[str, str]) -> dict[str, Decimal]:
    root = etree.fromstring(xml)
    return {
        name: Decimal(root.xpath(path, namespaces=namespaces)[0].text)
        for name, path in paths.items()
    }


def expected(document: dict[str, Any]) -> dict[str, Decimal]:
    figures = document.get("totals", document)
    return {
        name: Decimal(figures[name if name != "due" else "total"])
        for name in ("net_total", "tax_total", "total", "due")
    }


def fill_in_the_business(api: Api) -> dict[str, int]:
    created(
        api.patch(
            "business",
            {
                "name": "Acme Studio SARL",
                "street": "1 Rue de la Paix",
                "city": "Paris",
                "postcode": "75002",
                "country": "FR",
                "tax_id": "FR40303265045",
                "registration_id": "303265045",
                "email": "billing@acme.example",
                "endpoint_scheme": "EM",
                "endpoint_id": "billing@acme.example",
                "payment_means_code": "58",
                "iban": "FR7630006000011234567890189",
                "bic": "AGRIFRPP",
                "einvoice_format": "facturx",
            },
        )
    )
    vat = created(api.post("tax-rates", {"name": "TVA", "rate": "20", "category": "S"}))
    reverse = created(
        api.post(
            "tax-rates",
            {
                "name": "Autoliquidation",
                "rate": "0",
                "category": "AE",
                "exemption_reason_code": "VATEX-EU-AE",
                "exemption_reason": "Reverse charge",
            },
        )
    )
    return {"vat": vat["id"], "reverse": reverse["id"]}


def an_eu_business_client(api: Api) -> int:
    client = created(
        api.post(
            "clients",
            {
                "name": "Globex GmbH",
                "currency": "EUR",
                "street": "Hauptstraße 5",
                "city": "Berlin",
                "postcode": "10115",
                "country": "DE",
                "tax_id": "DE136695976",
                "endpoint_scheme": "9930",
                "endpoint_id": "DE136695976",
                "buyer_reference": "04011000-12345-34",
            },
        )
    )
    created(api.post("contacts", {"client_id": client["id"], "email": "ap@globex.example"}))
    return int(client["id"])


@pytest.fixture
def issued(api: Api, owner: User) -> dict[str, Any]:
    """An issued invoice with two VAT categories, a line discount, a line charge, a price per
    dozen, a document discount and a freight charge of one rate, all entered through the API."""
    taxes = fill_in_the_business(api)
    vat, reverse = [taxes["vat"]], [taxes["reverse"]]
    lines = [
        {
            "description": "Design work\nLogo and colours",
            "quantity": "3",
            "unit_price": "80",
            "unit": "hour",
            "tax_ids": vat,
            "discount_value": "10",
        },
        {
            "description": "Printed brochures",
            "quantity": "30",
            "unit_price": "54",
            "base_quantity": "12",
            "unit_code": "C62",
            "tax_ids": vat,
            "adjustments": [{"charge": True, "value": "4.50", "reason": "Packing"}],
        },
        {"description": "Consulting", "quantity": "2", "unit_price": "250", "tax_ids": reverse},
    ]
    draft = created(
        api.post(
            "invoices",
            {
                "client_id": an_eu_business_client(api),
                "order_reference": "PO-2026-77",
                "terms": "30 days net",
                "discount_type": "percent",
                "discount_value": "5",
                "adjustments": [
                    {"charge": True, "value": "9", "reason": "Freight", "tax_rate_id": vat[0]}
                ],
                "lines": lines,
            },
        )
    )
    return created(api.post(f"invoices/{draft['id']}/issue", {}))


def test_the_ubl_of_an_invoice_to_an_eu_business_passes_the_official_rules(
    api: Api, issued: dict[str, Any]
) -> None:
    for profile in ("en16931", "xrechnung"):
        answer = api.get(f"invoices/{issued['id']}/ubl", profile=profile)
        assert answer.status == 200, answer.body
        report = check_ubl(answer.body)
        assert report.fatal == [], str(report)
        assert totals(answer.body, UBL_TOTALS, UBL) == expected(issued)


def test_the_factur_x_pdf_carries_cii_that_passes_the_official_rules(
    api: Api, issued: dict[str, Any]
) -> None:
    answer = api.get(f"invoices/{issued['id']}/facturx")
    assert (answer.status, answer.headers["Content-Type"]) == (200, "application/pdf")
    report = check_facturx(answer.body)  # the embedding (name, /AF, XMP), then the CII's rules
    assert report.fatal == [], str(report)
    [xml] = PdfReader(io.BytesIO(answer.body)).attachments["factur-x.xml"]
    assert totals(xml, CII_TOTALS, CII) == expected(issued)
    assert xml == api.get(f"invoices/{issued['id']}/cii").body


def test_a_credit_note_of_part_of_it_passes_too(api: Api, issued: dict[str, Any]) -> None:
    consulting = issued["lines"][2]["id"]
    note = created(
        api.post(
            "credit-notes",
            {
                "invoice_id": issued["id"],
                "lines": [{"invoice_line_id": consulting, "quantity": "1"}],
                "reason": "One day less",
            },
        )
    )
    ubl = api.get(f"credit-notes/{note['id']}/ubl").body
    report = check_ubl(ubl)
    assert report.fatal == [], str(report)
    assert totals(ubl, UBL_TOTALS, UBL) == expected(note)
    cii = api.get(f"credit-notes/{note['id']}/cii").body
    report = check_cii(cii)
    assert report.fatal == [], str(report)
    assert totals(cii, CII_TOTALS, CII) == expected(note)


def test_a_full_credit_note_names_the_invoices_charges_as_the_invoice_did(
    api: Api, issued: dict[str, Any]
) -> None:
    """A credit note of every line takes back the invoice's freight and packing: its e-invoice
    gives them their entered reasons, not "rounding", and still passes the rules."""
    note = created(
        api.post(
            "credit-notes",
            {
                "invoice_id": issued["id"],
                "lines": [
                    {"invoice_line_id": line["id"], "quantity": line["quantity"]}
                    for line in issued["lines"]
                ],
                "reason": "Cancelled order",
            },
        )
    )
    assert Decimal(note["total"]) == Decimal(issued["totals"]["total"])
    ubl = api.get(f"credit-notes/{note['id']}/ubl").body
    assert check_ubl(ubl).fatal == []
    root = etree.fromstring(ubl)
    charges = {
        charge.findtext("cbc:AllowanceChargeReason", namespaces=UBL): charge.findtext(
            "cbc:Amount", namespaces=UBL
        )
        for charge in root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='true']", namespaces=UBL)
    }
    assert charges == {"Freight": "9.00"}
