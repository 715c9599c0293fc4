"""How numbers are written for people: pages, PDFs, CSV exports, the API and form fields.

Display only: amounts are computed (and rounded to their currency) in `money.py`; this module
writes decimals that are already what they should be. The `localized_*` functions write them
the way a CLDR locale does (Babel), for documents in the client's language: `localized_number`
(quantities, prices, rates: `1.500,5` in de_DE) and `localized_date` (`15 janvier 2027` in
fr_FR); amounts in a locale are `money.format_money`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal


def plain(value: Decimal | str | int | None) -> str:
    """A quantity, price or rate without trailing zeros or exponent, as a person would type it:
    3.000 → "3", 80.5000 → "80.5", 100 → "100" (not "1E+2"), 9.975 → "9.975"; None or "" → ""."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value).normalize():f}"


def tax_label(name: str, rate: Decimal | str) -> str:
    """A tax as its name and plain rate: "VAT 20 %", "QST 9.975 %"."""
    return f"{name} {plain(rate)} %"


def localized_number(value: Decimal, locale: str, min_decimals: int = 0) -> str:
    """`value` grouped the way `locale` writes numbers: every significant digit kept (no
    rounding: a quantity of 1.125 stays 1.125), at least `min_decimals` after the separator:
    1500.000 → "1.500" (de_DE), 0.5 with 2 → "0,50" (fr_FR), 1234.5 → "1,234.5" (en)."""
    decimals = max(len(plain(value).partition(".")[2]), min_decimals)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=False)


def localized_date(day: datetime.date, locale: str) -> str:
    """A date with its month's name as `locale` writes it: "15 January 2027" (en_GB),
    "January 15, 2027" (en), "15. Januar 2027" (de_DE), "15 janvier 2027" (fr_FR)."""
    return format_date(day, "long", locale=locale)


def localized_tax_label(name: str, rate: Decimal | str, locale: str) -> str:
    """`tax_label` with the rate as `locale` writes it: "MwSt. 19 %", "QST 9,975 %"."""
    return f"{name} {localized_number(Decimal(rate), locale)} %"
