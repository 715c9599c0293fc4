"""How numbers are written for people: pages, PDFs, CSV exports, the API and form fields.

Display only: amounts are computed (and rounded to their currency) in `money.py`; this module
writes decimals that are already what they should be. The `localized_*` functions write them
the way a CLDR locale does (Babel), for documents in the client's language: `localized_number`
(quantities, prices, rates: `1.500,5` in de_DE) and `localized_date` (`15 janvier 2027` in
fr_FR); amounts in a locale are `money.format_money`.

The `ui_*` functions write the owner's pages in the UI's locale (billing.language.ui_locale, by
the filters of billing/templatetags/billing.py): amounts keep their ISO code after the number,
as the pages always wrote them (a list mixes currencies, and "$" alone is ambiguous), with the
locale's separators: "1,234.50 EUR" (en_GB), "1.234,50 EUR" (de_DE), "1 234,50 EUR" (fr_FR,
CLDR's narrow no-break space). Form fields, CSV, the API and XML keep `plain` and ISO dates.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import parse_pattern

from invoicetron.billing import money


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
    return grouped(value, max(len(plain(value).partition(".")[2]), min_decimals), locale)


def grouped(value: Decimal, decimals: int, locale: str) -> str:
    """`value` with exactly `decimals` digits (it has no more), grouped as `locale` does."""
    group, decimal_sign, minus, thousands = number_symbols(locale)
    if not thousands:  # another grouping (en_IN: 12,34,567): the locale's pattern, by Babel
        pattern = parse_pattern(Locale.parse(locale).decimal_formats[None].pattern)
        pattern.frac_prec = (decimals, decimals)
        return pattern.apply(value, locale)
    # Python groups by thousands as these locales do; the symbols are swapped in. Exact: the
    # value has at most `decimals` digits. Faster than Babel (a list page writes 50 amounts),
    # and right for de_CH, whose apostrophe Babel drops above a million.
    return f"{value:,.{decimals}f}".translate(
        {ord(","): group, ord("."): decimal_sign, ord("-"): minus}
    )


@lru_cache(maxsize=128)
def number_symbols(locale: str) -> tuple[str, str, str, bool]:
    """`locale`'s group and decimal signs, its minus, and whether it groups by thousands."""
    parsed = Locale.parse(locale)
    symbols = parsed.number_symbols["latn"]
    thousands = parsed.decimal_formats[None].grouping == (3, 3)
    return symbols["group"], symbols["decimal"], symbols["minusSign"], thousands


def localized_date(day: datetime.date, locale: str) -> str:
    """A date with its month's name as `locale` writes it: "15 January 2027" (en_GB),
    "January 15, 2027" (en), "15. Januar 2027" (de_DE), "15 janvier 2027" (fr_FR)."""
    return format_date(day, "long", locale=locale)


def localized_tax_label(name: str, rate: Decimal | str, locale: str) -> str:
    """`tax_label` with the rate as `locale` writes it: "MwSt. 19 %", "QST 9,975 %"."""
    return f"{name} {localized_number(Decimal(rate), locale)} %"


def ui_amount(value: Decimal, currency: str, locale: str, *, with_code: bool = True) -> str:
    """An amount on a page: rounded to its currency's minor digits, grouped the way `locale`
    writes numbers, and its ISO code: "1,234.50 EUR" (en_GB), "1.234,50 EUR" (de_DE)."""
    rounded = money.round_to_minor_unit(value, currency)
    number = grouped(rounded, money.minor_unit(currency), locale)
    return f"{number} {money.check_currency(currency)}" if with_code else number


def ui_number(value: Decimal | str | int | None, locale: str) -> str:
    """`plain` with `locale`'s decimal sign and no grouping, for quantities and rates on a page:
    "1.5" (en_GB), "1,5" (de_DE), "9,975" (fr_FR), 1500 → "1500" everywhere; None or "" → ""."""
    _group, decimal_sign, minus, _thousands = number_symbols(locale)
    return plain(value).translate({ord("."): decimal_sign, ord("-"): minus})


def ui_decimal(value: Decimal, places: int, locale: str) -> str:
    """`value` rounded to `places` digits with `locale`'s decimal sign, no grouping, for a
    recorded value (the history): 119.00 → "119,00" (de_DE)."""
    _group, decimal_sign, minus, _thousands = number_symbols(locale)
    return f"{value:.{places}f}".translate({ord("."): decimal_sign, ord("-"): minus})


def ui_date(day: datetime.date, locale: str, skeleton: str = "") -> str:
    """A date the way `locale` writes it: its long form ("7 December 2026", "7. Dezember
    2026"), or a CLDR skeleton's: "yMMMM" → "Dezember 2026", "MMMd" → "7. Dez."."""
    if skeleton:
        return format_skeleton(skeleton, day, locale=locale)
    return localized_date(day, locale)


def ui_datetime(moment: datetime.datetime, locale: str) -> str:
    """A local date and time the way `locale` joins them: "7 December 2026, 14:05" (en_GB),
    "7. Dezember 2026, 14:05" (de_DE)."""
    joined = str(Locale.parse(locale).datetime_formats["medium"])
    return joined.replace("{1}", localized_date(moment.date(), locale)).replace(
        "{0}", format_time(moment, "HH:mm", locale=locale)
    )
