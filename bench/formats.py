"""What writing one amount costs: `formatting.grouped` (Python's grouping with the locale's signs
swapped in) against Babel's own pattern, which it replaces for locales that group by thousands.
`python -m bench.formats`; `make bench` prints the same line. A list page writes about 50
amounts, so the difference is per page x 50 (tests/billing/test_grouped_numbers.py holds the
two equal).
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from decimal import Decimal

from babel import Locale
from babel.numbers import parse_pattern

from invoicetron.billing.formatting import grouped

AMOUNT = Decimal("1234567.89")
LOCALE = "de_DE"


def with_babel(value: Decimal, decimals: int, locale: str) -> str:
    pattern = parse_pattern(Locale.parse(locale).decimal_formats[None].pattern)
    pattern.frac_prec = (decimals, decimals)
    return str(pattern.apply(value, locale))


def microseconds(function: Callable[[Decimal, int, str], str], runs: int = 20_000) -> float:
    def once() -> None:
        function(AMOUNT, 2, LOCALE)

    seconds = min(timeit.repeat(once, number=runs, repeat=3))
    return seconds / runs * 1e6


def summary() -> str:
    ours, babel = microseconds(grouped), microseconds(with_babel)
    return (
        f"one amount written ({LOCALE}): formatting.grouped {ours:.1f} µs, "
        f"Babel's pattern {babel:.1f} µs ({babel / ours:.0f}x)"
    )


if __name__ == "__main__":
    print(summary())
