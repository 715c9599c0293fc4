"""Factur-X: the invoice's PDF/A-3 (rendered by billing.pdf) with its CII embedded as the
library writes it, read back with pypdf."""

from __future__ import annotations

import dataclasses
import io
from decimal import Decimal

import pytest
from lxml import etree
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from invoicetron.accounts.models import User
from invoicetron.billing import pdf
from invoicetron.einvoicing import cii, facturx, rules
from tests.einvoicing.writer_samples import sample_credit_note, sample_invoice
from tests.fixtures import factories

FACTURX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
PDFA_NS = "http://www.aiim.org/pdfa/ns/id/"


@pytest.fixture
def pdf_a3(db: None, owner: User) -> bytes:
    factories.business()
    invoice = factories.issued_invoice(owner)
    return pdf.render_invoice_pdf(invoice, pdf_variant=facturx.PDF_VARIANT)


def xmp(data: bytes) -> str:
    metadata = PdfReader(io.BytesIO(data)).trailer["/Root"]["/Metadata"].get_object()
    return metadata.get_data().decode()


def xmp_values(data: bytes, namespace: str, name: str) -> list[str]:
    """Each value of an XMP property, written as an attribute or as an element."""
    root = etree.fromstring(xmp(data).encode())
    tag = f"{{{namespace}}}{name}"
    values = [element.text or "" for element in root.iter(tag)]
    return values + [element.get(tag, "") for element in root.iter() if tag in element.attrib]


def test_billing_renders_a_pdf_a_3b_to_start_from(pdf_a3: bytes) -> None:
    assert xmp_values(pdf_a3, PDFA_NS, "part") == ["3"]
    assert xmp_values(pdf_a3, PDFA_NS, "conformance") == ["B"]


def test_the_cii_is_embedded_as_factur_x_xml(pdf_a3: bytes) -> None:
    doc = sample_invoice()
    reader = PdfReader(io.BytesIO(facturx.attach(pdf_a3, doc)))
    assert list(reader.attachments) == ["factur-x.xml"]
    assert reader.attachments["factur-x.xml"] == [cii.write(doc)]
    catalog = reader.trailer["/Root"]
    associated = [spec.get_object() for spec in catalog["/AF"]]
    assert [(spec["/F"], spec["/AFRelationship"]) for spec in associated] == [
        ("factur-x.xml", "/Data")
    ]
    embedded = associated[0]["/EF"]["/F"].get_object()
    assert isinstance(embedded, DictionaryObject) and embedded["/Subtype"] == "/text/xml"


def test_the_xmp_declares_factur_x_en16931_on_pdf_a_3(pdf_a3: bytes) -> None:
    data = facturx.attach(pdf_a3, sample_credit_note())
    assert xmp_values(data, FACTURX_NS, "ConformanceLevel") == ["EN 16931"]
    assert xmp_values(data, FACTURX_NS, "DocumentFileName") == ["factur-x.xml"]
    assert xmp_values(data, FACTURX_NS, "DocumentType") == ["INVOICE"]
    assert xmp_values(data, FACTURX_NS, "Version") == ["1.0"]
    assert xmp_values(data, PDFA_NS, "part") == ["3"]


def test_the_factur_x_pdf_passes_the_embedding_checks_and_the_rules(pdf_a3: bytes) -> None:
    report = rules.check_facturx(facturx.attach(pdf_a3, sample_invoice()))
    assert report.fatal == [], str(report)


def test_the_pages_of_the_pdf_are_kept(pdf_a3: bytes) -> None:
    before = PdfReader(io.BytesIO(pdf_a3))
    after = PdfReader(io.BytesIO(facturx.attach(pdf_a3, sample_invoice())))
    assert len(after.pages) == len(before.pages)
    assert after.pages[0].extract_text() == before.pages[0].extract_text()


def test_xml_the_factur_x_xsd_refuses_is_an_error_naming_the_xsd(pdf_a3: bytes) -> None:
    line = dataclasses.replace(sample_invoice().lines[0], quantity=Decimal("NaN"))
    with pytest.raises(ValueError, match="does not pass the Factur-X XSD"):
        facturx.attach(pdf_a3, sample_invoice(lines=(line,)))
