"""Factur-X / ZUGFeRD: the document's PDF/A-3 with its CII XML embedded, level EN 16931.

`attach(pdf, doc) -> bytes` is the one entry point. The factur-x library does the PDF work: it
checks the XML against the Factur-X EN 16931 XSD, embeds it as `factur-x.xml` (AFRelationship
/Data, listed in the catalogue's /AF array), and writes the XMP metadata with the `fx:` extension
schema (DocumentType INVOICE, ConformanceLevel EN 16931). Standards-wise the input should be a
PDF/A-3: render it with `billing.pdf.render_invoice_pdf(invoice, pdf_variant=PDF_VARIANT)`.
"""

from __future__ import annotations

from facturx import generate_from_binary, xml_check_xsd

from invoicetron.einvoicing import cii
from invoicetron.einvoicing.document import EInvoice

PDF_VARIANT = "pdf/a-3b"  # WeasyPrint's name for PDF/A-3b, the base Factur-X requires
LEVEL = "en16931"
ATTACHMENT_NAME = "factur-x.xml"  # the name Factur-X readers look for (set by the library)


def attach(pdf: bytes, doc: EInvoice) -> bytes:
    """`pdf` (the document's PDF/A-3) with `doc` embedded as Factur-X EN 16931 CII.

    ValueError when the CII does not pass the Factur-X XSD (the library's own check).
    """
    xml = cii.write(doc)  # the EN 16931 profile: XRechnung is not a Factur-X level
    try:
        xml_check_xsd(xml, flavor="factur-x", level=LEVEL)
    except Exception as error:  # the library raises a bare Exception for an invalid XML
        raise ValueError(f"The invoice XML does not pass the Factur-X XSD: {error}") from error
    return bytes(generate_from_binary(pdf, xml, flavor="factur-x", level=LEVEL, check_xsd=False))
