"""Stand-in for einv-writers' UBL writer (same signature), replaced when that branch merges."""

from __future__ import annotations

from xml.etree import ElementTree

from invoicetron.einvoicing.document import CREDIT_NOTE, EInvoice


def write(doc: EInvoice, profile: str = "peppol") -> bytes:
    root = ElementTree.Element("CreditNote" if doc.type_code == CREDIT_NOTE else "Invoice")
    ElementTree.SubElement(root, "ID").text = doc.number
    ElementTree.SubElement(root, "PayableAmount").text = str(doc.totals.amount_due)
    return ElementTree.tostring(root, xml_declaration=True, encoding="utf-8")
