"""Currencies and rounding: the one place money is rounded (rule 1), and amounts formatted."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

from babel import Locale
from babel.numbers import parse_pattern
from django.utils.translation import gettext as _

from invoicetron.billing.currencies import CURRENCIES

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Quantities (12+3 digits) times unit prices (14+6 digits) need more than Decimal's default 28.
PRECISION = 60
# A list page rounds hundreds of amounts: one context and the quanta made once, not per amount
# (a local context and a currency lookup per call were most of a page's rounding time).
_ROUNDING = Context(prec=PRECISION, rounding=ROUND_HALF_UP)
_QUANTA = {code: Decimal(1).scaleb(-digits) for code, (digits, _name) in CURRENCIES.items()}


class MoneyError(ValueError):
    """An input the money rules cannot accept (unknown currency, impossible discount…)."""


def check_currency(code: str) -> str:
    """The ISO 4217 code, upper-cased; MoneyError for a code we do not know."""
    normalized = (code or "").strip().upper()
    if normalized not in CURRENCIES:
        raise MoneyError(
            _("%(code)s is not an ISO 4217 currency code we know (e.g. EUR, USD).")
            % {"code": repr(code)}
        )
    return normalized


def minor_unit(currency: str) -> int:
    """Digits after the decimal point: JPY 0, EUR 2, BHD 3."""
    return CURRENCIES[check_currency(currency)][0]


def quantum(currency: str) -> Decimal:
    """The smallest amount of a currency: 1, 0.01, 0.001…"""
    # Codes as stored are found at once; others are normalized (or refused) first.
    return _QUANTA.get(currency) or _QUANTA[check_currency(currency)]


def round_to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """The one place where money is rounded: half-up (away from zero) to the minor unit."""
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP, context=_ROUNDING)


def decimal_places(value: Decimal) -> int:
    """How many digits `value` carries after the point (trailing zeros ignored)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def fits_minor_unit(amount: Decimal, currency: str) -> bool:
    """True when `amount` needs no rounding in `currency` (e.g. 10.005 EUR does not fit)."""
    return decimal_places(amount) <= minor_unit(currency)


def convert(amount: Decimal, rate: Decimal, to_currency: str) -> Decimal:
    """`amount` converted with `rate` (units of `to_currency` per unit), rounded there."""
    with localcontext() as context:
        context.prec = PRECISION
        return round_to_minor_unit(amount * rate, to_currency)


def format_amount(amount: Decimal, currency: str, *, with_code: bool = True) -> str:
    """`1,234.50 EUR`: grouped thousands and exactly the currency's minor digits."""
    digits = minor_unit(currency)
    text = f"{round_to_minor_unit(amount, currency):,.{digits}f}"
    return f"{text} {check_currency(currency)}" if with_code else text


def format_money(amount: Decimal, currency: str, locale: str) -> str:
    """`amount` as `locale` writes money (CLDR, by Babel): `€1,234.50` (en), `1.234,50 €`
    (de_DE), `1 234,50 €` (fr_FR, with CLDR's narrow no-break space), with exactly the
    currency's own minor digits (ours, ISO 4217: CLDR's differ for a few currencies).

    Display only: `amount` is rounded to its currency first (rule 1) and never computed here."""
    pattern = parse_pattern(Locale.parse(locale).currency_formats["standard"].pattern)
    digits = minor_unit(currency)
    pattern.frac_prec = (digits, digits)
    return pattern.apply(
        round_to_minor_unit(amount, currency),
        locale,
        currency=check_currency(currency),
        currency_digits=False,
    )
