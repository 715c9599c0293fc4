"""What the UBL and CII writers share: profile checks, number text and element building.

Numbers are written exactly as the EInvoice holds them (plain notation, never an exponent, no
rounding): the amounts are already in the currency's minor unit, so the text is the figure.
"""

from __future__ import annotations

import re
from decimal import Decimal

from lxml import etree

from invoicetron.einvoicing.document import EInvoice

# Characters XML 1.0 cannot hold at all (C0 controls but tab, newline, carriage return; lone
# surrogates; U+FFFE/U+FFFF). Pasted text sometimes carries them (a vertical tab from a word
# processor); dropping them keeps an e-invoice writable instead of failing on an invisible one.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

XRECHNUNG = "xrechnung"
# XRechnung 3.0 (KoSIT), the German CIUS; the same identifier in UBL and CII.
XRECHNUNG_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"


def check_profile(doc: EInvoice, profile: str, known: tuple[str, ...]) -> None:
    """ValueError unless `profile` is one of `known` and `doc` has what that profile requires."""
    if profile not in known:
        raise ValueError(f"Unknown e-invoice profile {profile!r}; use one of: {', '.join(known)}.")
    if profile == XRECHNUNG and not doc.buyer_reference.strip():
        raise ValueError(
            "XRechnung requires the buyer reference (BT-10, the Leitweg-ID for German public "
            "buyers): enter it on the invoice or the client."
        )


def number_text(value: Decimal) -> str:
    """`value` in plain notation with its own decimals: Decimal("1E+2") -> "100"."""
    return format(value, "f")


def compact_date(iso_date: str) -> str:
    """A YYYY-MM-DD date as CII's format 102 (YYYYMMDD)."""
    return iso_date.replace("-", "")


def add(
    parent: etree._Element, tag: str, text: str | None = None, **attributes: str
) -> etree._Element:
    """A child element `tag` ("{namespace}name") of `parent` with `text` and `attributes`
    (characters XML cannot hold are left out)."""
    element = etree.SubElement(
        parent, tag, {name: NOT_XML.sub("", value) for name, value in attributes.items()}
    )
    if text is not None:
        element.text = NOT_XML.sub("", text)
    return element


def add_text(parent: etree._Element, tag: str, text: str, **attributes: str) -> None:
    """Like `add`, but only when `text` is not empty (an optional business term left blank)."""
    if text:
        add(parent, tag, text, **attributes)


def serialise(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
