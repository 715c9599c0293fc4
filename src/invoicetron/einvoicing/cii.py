"""Stand-in for einv-writers' CII writer (same signature), replaced when that branch merges."""

from __future__ import annotations

from xml.etree import ElementTree

from invoicetron.einvoicing.document import EInvoice


def write(doc: EInvoice, profile: str = "en16931") -> bytes:
    root = ElementTree.Element("CrossIndustryInvoice")
    ElementTree.SubElement(root, "ID").text = doc.number
    ElementTree.SubElement(root, "DuePayableAmount").text = str(doc.totals.amount_due)
    return ElementTree.tostring(root, xml_declaration=True, encoding="utf-8")
