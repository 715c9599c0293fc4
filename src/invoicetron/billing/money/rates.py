"""Exchange rates: their precision, and rates derived from a reference currency's quotes.

A rate is how many units of the base currency one unit of a currency is worth (the convention of
`Invoice.exchange_rate`), kept with RATE_PLACES decimals (the NUMERIC(20,10) columns).

Reference rates (the ECB's daily file) are quoted the other way round, per unit of the reference
currency: "1 EUR = 1.0530 USD". With base B and currency C both quoted against the reference R,
1 R = q(B) B and 1 R = q(C) C, so 1 C = q(B) / q(C) B: `rate_from_quotes(q(B), q(C))`. When the base
is the reference itself, q(B) = 1 and the rate is simply 1 / q(C); the reference currency as a
currency of its own (base ≠ EUR, C = EUR) has q(C) = 1 and the rate q(B). The division is done
at high precision and rounded once, half-up, to RATE_PLACES.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

RATE_PLACES = 10
RATE_QUANTUM = Decimal(1).scaleb(-RATE_PLACES)
_RATES = Context(prec=60, rounding=ROUND_HALF_UP)


def rate_from_quotes(base_quote: Decimal, currency_quote: Decimal) -> Decimal:
    """Units of the base currency per unit of the currency, from what one unit of the reference
    currency buys of each (both above zero), rounded half-up to RATE_PLACES decimals."""
    if base_quote <= 0 or currency_quote <= 0:
        raise ValueError("reference quotes are above zero")
    return _RATES.divide(base_quote, currency_quote).quantize(
        RATE_QUANTUM, rounding=ROUND_HALF_UP, context=_RATES
    )
