"""`formatting.grouped` writes what Babel's own pattern writes for every locale that groups by
thousands (it replaces it there: bench/formats.py measures both), and mends Babel where it is
wrong: the Swiss apostrophe above a million."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale
from bench.formats import with_babel

from invoicetron.billing.formatting import grouped, number_symbols

LOCALES = [
    "en", "en_GB", "en_US", "en_IN", "de_DE", "de_AT", "fr_FR", "fr_BE", "es_ES", "es_MX",
    "it_IT", "nl_NL", "pt_BR", "pl_PL", "sv_SE", "ja_JP",
]  # fmt: skip
VALUES = ["0", "0.05", "999.99", "1000", "1234.5", "123456.00", "1234567.891", "12345678901.2"]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("text", VALUES)
def test_grouped_equals_babels_pattern(locale: str, text: str) -> None:
    for value in (Decimal(text), -Decimal(text)):
        decimals = max(0, -int(value.as_tuple().exponent))
        expected = with_babel(value, decimals, locale)
        # Babel's pattern writes a hyphen for every minus; ours is the locale's (sv: U+2212).
        minus = number_symbols(locale)[2]
        assert grouped(value, decimals, locale) == expected.replace("-", minus, 1)


@pytest.mark.parametrize("locale", ["de_CH", "fr_CH", "it_CH"])
def test_swiss_numbers_keep_their_apostrophe_above_a_million(locale: str) -> None:
    sign = Locale.parse(locale).number_symbols["latn"]["group"]
    decimal = Locale.parse(locale).number_symbols["latn"]["decimal"]
    assert grouped(Decimal("1234567.89"), 2, locale) == f"1{sign}234{sign}567{decimal}89"
    assert grouped(Decimal("1234.5"), 1, locale) == with_babel(Decimal("1234.5"), 1, locale)
