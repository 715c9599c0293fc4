"""The seller (BG-4) and the buyer (BG-7) of an e-invoice, from a document's frozen snapshot.

Snapshots taken before the e-invoice fields existed lack their keys: they read as empty, and
`missing_fields` names what EN 16931 then lacks and where it is filled in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.utils.translation import gettext_noop

from invoicetron.einvoicing.document import Address, Party
from invoicetron.einvoicing.errors import Missing

# Where to fill a gap in; marked for translation, translated when the refusal is read (errors.py).
BUSINESS_PAGE = gettext_noop("add it in Settings → Business")
CLIENT_PAGE = gettext_noop("add it in Clients → edit")
# Categories whose lines need the seller's VAT id (BR-S-02, BR-Z-02, BR-E-02, BR-AE-02, BR-IC-02,
# BR-G-02, BR-AF-02, BR-AG-02); "not subject to VAT" (O) forbids it (BR-O-02).
SELLER_VAT_CATEGORIES = frozenset({"S", "Z", "E", "AE", "K", "G", "L", "M"})
# Reverse charge and intra-community supplies also name the buyer's (BR-AE-02, BR-IC-02).
BUYER_VAT_CATEGORIES = frozenset({"AE", "K"})
OUT_OF_SCOPE = "O"


def _text(values: Mapping[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def address(values: Mapping[str, Any]) -> Address:
    return Address(
        street=_text(values, "street"),
        additional_street=_text(values, "street_2"),
        city=_text(values, "city"),
        postcode=_text(values, "postcode"),
        subdivision=_text(values, "subdivision"),
        country=_text(values, "country").upper(),
    )


def vat_id(values: Mapping[str, Any]) -> str:
    """The tax id when it is a VAT id (it starts with its two-letter country prefix, BR-CO-09);
    "" for a tax number of a country without VAT ids (a US EIN, a German Steuernummer), which the
    forms keep as typed: `missing_fields` then asks for a VAT id where a category needs one."""
    tax_id = _text(values, "tax_id")
    return tax_id if tax_id[:2].isalpha() else ""


def _party(values: Mapping[str, Any], categories: Collection[str], **contact: str) -> Party:
    return Party(
        name=_text(values, "name"),
        address=address(values),
        vat_id="" if OUT_OF_SCOPE in categories else vat_id(values),
        registration_id=_text(values, "registration_id"),
        endpoint_id=_text(values, "endpoint_id"),
        endpoint_scheme=_text(values, "endpoint_scheme"),
        **contact,
    )


def seller(business: Mapping[str, Any], categories: Collection[str]) -> Party:
    """The business as the snapshot froze it; its VAT id left out where category O forbids it."""
    email, phone = _text(business, "email"), _text(business, "phone")
    # The business is its own contact point (BT-41): XRechnung asks for one.
    name = _text(business, "name") if email or phone else ""
    return _party(business, categories, contact_name=name, contact_email=email, contact_phone=phone)


def buyer(client: Mapping[str, Any], categories: Collection[str]) -> Party:
    contact = {"contact_name": _text(client, "contact_name")}
    return _party(client, categories, contact_email=_text(client, "contact_email"), **contact)


def missing_fields(seller: Party, buyer: Party, categories: Collection[str]) -> list[Missing]:
    """What EN 16931 needs of the parties (BR-6, BR-7, BR-9, BR-11, the VAT-id rules of each
    category, BR-CO-26) that they lack, each with where to fill it in."""
    missing = []
    if not seller.name:
        missing.append(Missing(gettext_noop("your business name (BT-27)"), BUSINESS_PAGE))
    if not seller.address.country:
        missing.append(Missing(gettext_noop("your country (BT-40)"), BUSINESS_PAGE))
    if not buyer.name:
        missing.append(Missing(gettext_noop("the client's name (BT-44)"), CLIENT_PAGE))
    if not buyer.address.country:
        missing.append(Missing(gettext_noop("the client's country (BT-55)"), CLIENT_PAGE))
    if SELLER_VAT_CATEGORIES & set(categories) and not seller.vat_id:
        missing.append(Missing(gettext_noop("your VAT id (BT-31)"), BUSINESS_PAGE))
    needs_buyer_id = BUYER_VAT_CATEGORIES & set(categories)
    if needs_buyer_id and not (buyer.vat_id or ("AE" in needs_buyer_id and buyer.registration_id)):
        codes = " and ".join(sorted(needs_buyer_id))
        missing.append(
            Missing(
                gettext_noop("the client's VAT id (BT-48, needed by category %(codes)s)"),
                CLIENT_PAGE,
                {"codes": codes},
            )
        )
    if OUT_OF_SCOPE in categories and not seller.registration_id:
        # Without a VAT id (BR-O-02 forbids it), the seller is known by its registration (BR-CO-26).
        missing.append(Missing(gettext_noop("your legal registration id (BT-30)"), BUSINESS_PAGE))
    return missing
