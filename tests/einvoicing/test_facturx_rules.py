"""A Factur-X PDF is checked for how it embeds its CII, then the CII by the EN 16931 rules.

The PDFs are real: WeasyPrint renders a PDF/A-3b, the factur-x library embeds a hand-written CII
(tests/einvoicing/handwritten.py), as a Factur-X writer does.
"""

from __future__ import annotations

import pytest
from facturx import generate_from_binary
from weasyprint import HTML

from invoicetron.einvoicing import rules
from invoicetron.einvoicing.rules import Flag
from tests.einvoicing.handwritten import CII_INVOICE, replaced


@pytest.fixture(scope="module")
def pdf_a3() -> bytes:
    return HTML(string="<h1>Invoice INV-1</h1>").write_pdf(pdf_variant="pdf/a-3b")


def factur_x(pdf: bytes, xml: bytes = CII_INVOICE, level: str = "en16931") -> bytes:
    return bytes(generate_from_binary(pdf, xml, flavor="factur-x", level=level, check_xsd=False))


def test_a_factur_x_pdf_with_valid_cii_passes(pdf_a3: bytes) -> None:
    report = rules.check_facturx(factur_x(pdf_a3))

    assert report.passed, str(report)
    assert rules.CII_SCHEMATRON in report.rules


def test_the_embedded_cii_is_checked_by_the_en16931_rules(pdf_a3: bytes) -> None:
    wrong_total = replaced(
        CII_INVOICE, ("<ram:GrandTotalAmount>119.00", "<ram:GrandTotalAmount>120.00")
    )

    report = rules.check_facturx(factur_x(pdf_a3, wrong_total))

    assert "BR-CO-15" in {failure.id for failure in report.fatal}, str(report)


def test_a_pdf_without_factur_x_xml_fails(pdf_a3: bytes) -> None:
    report = rules.check_facturx(pdf_a3)

    assert {failure.id for failure in report.fatal} == {"FACTUR-X"}
    texts = " ".join(failure.text for failure in report.fatal)
    assert "No factur-x.xml is embedded" in texts
    assert "fx:ConformanceLevel is missing" in texts


def test_another_conformance_level_in_the_xmp_fails(pdf_a3: bytes) -> None:
    report = rules.check_facturx(factur_x(pdf_a3, level="basic"))

    assert [(failure.id, failure.location) for failure in report.fatal] == [
        ("FACTUR-X", "/Metadata")
    ]
    assert "'BASIC'" in report.fatal[0].text


def test_bytes_that_are_no_pdf_are_refused_with_a_reason() -> None:
    report = rules.check_facturx(b"%PDF-1.7 not really")

    assert [(failure.id, failure.flag) for failure in report.failures] == [("PDF", Flag.FATAL)]
    assert "cannot be read" in report.failures[0].text
