"""How numbers are written for people: pages, PDFs, CSV exports, the API and form fields.

Display only: amounts are computed (and rounded to their currency) in `money.py`; this module
writes decimals that are already what they should be.
"""

from __future__ import annotations

from decimal import Decimal


def plain(value: Decimal | str | int | None) -> str:
    """A quantity, price or rate without trailing zeros or exponent, as a person would type it:
    3.000 → "3", 80.5000 → "80.5", 100 → "100" (not "1E+2"), 9.975 → "9.975"; None or "" → ""."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}"


def tax_label(name: str, rate: Decimal | str) -> str:
    """A tax as its name and plain rate: "VAT 20 %", "QST 9.975 %"."""
    return f"{name} {plain(rate)} %"


def grouped(value: Decimal, min_decimals: int = 0) -> str:
    """`plain` with thousands separators and at least `min_decimals` digits after the point, as
    the PDF prints quantities and unit prices: 1500.000 → "1,500", 0.5 with 2 → "0.50"."""
    decimals = len(plain(value).partition(".")[2])
    return f"{value:,.{max(decimals, min_decimals)}f}"
