"""Every amount Invoicetron shows, stores, prints or collects is computed here, and only here.

Pure functions over plain dataclasses, so the screen, the PDF, the API and the payment checks all
get the same figures. Decimal only; never float.

The rules (EN 16931 arithmetic):

1. Rounding is half-up to the currency's minor unit (JPY 0 digits, EUR 2, BHD 3), applied by
   `round_to_minor_unit` and nowhere else. Half-up means away from zero on an exact half, so a
   credit mirrors its debit (-0.005 → -0.01).
2. A line's amount = round(quantity x unit price - line discount). A percent discount is taken
   from the unrounded quantity x unit price; an amount discount is an amount for the whole line.
3. Lines are grouped by their tax set (the taxes they carry); amounts are summed exactly per group.
4. The document discount (percent of the subtotal, rounded once, or a fixed amount) is split across
   the tax groups in proportion to their amounts, in whole minor units by the largest-remainder
   method (ties go to the group whose taxes sort first). The shares add up exactly to the discount,
   and every tax is computed on discounted bases.
5. Prices exclusive of tax: a group's amount is its net. Tax is computed once per tax (name, rate)
   on the sum of the discounted nets of the groups that carry it, then rounded. Several taxes on
   one line are each computed on the line's net (no tax on tax).
6. Prices inclusive of tax: a group's amount is gross. net = round(gross / (1 + Σ group rates)),
   tax = gross - net. With several taxes on one group, each tax but the highest rate gets
   round(net x rate), and the highest rate gets the rest, so gross = net + taxes exactly.
   Keeping the gross exact comes first: for some grosses no net gives net + round(net x rate)
   = gross (0.16 at 19 %: net 0.13 gives 0.15, net 0.14 gives 0.17), and then the tax is one
   minor unit from round(net x rate).
7. net total = Σ discounted group nets; tax total = Σ taxes; total = net total + tax total. With
   inclusive prices the total is therefore exactly subtotal - document discount.
8. A credit note is a document of its own (`credit_note_totals`): rules 5-7 apply to its own
   amounts, so each of its taxes is its own base x rate, rounded (EN 16931 BR-CO-17). Its amount
   per tax set is its share of the invoice's discounted group amount: the group's amount over the
   lines not yet credited before the note, less the same over the lines left after it, both with
   the invoice's document discount as a percent of its subtotal. These shares telescope, so the
   credit notes of an invoice add up exactly to its group amounts: with exclusive prices to its
   bases, rate by rate (the note that credits the rest takes the remainder of each base, whatever
   was credited before), with inclusive prices to its gross total (each note then splits its own
   gross into net and tax by rule 6). Tax does not telescope: rounding each note on its own, the
   taxes of several partial notes can differ from the invoice's tax by up to one minor unit per
   note beyond the first, per rate (0.03 + 0.03 at 19 %: each note's tax is 0.01, the invoice's
   tax on 0.06 is 0.01). No rule avoids that while every document is rounded on its own; the
   credit note that takes the last quantities therefore closes the invoice (see
   `billing.services.settlement`), and the reports show each document's own figures. A single
   note crediting the whole invoice reproduces its figures exactly. Credit notes issued before
   this rule keep the figures they were issued with (their tax was the difference of the
   invoice's taxes before and after them); issued documents never change.
9. In the base currency (`in_base_currency`), a document's figures are converted piece by piece
   with the exchange rate its invoice recorded: net = round(net total x rate), each tax row
   round(tax x rate) (and its base round(base x rate)), tax = Σ converted rows, total = net + tax.
   Every report and the dashboard sum these, so the sales report's tax is the tax report's to
   the cent. Single amounts (a balance, a payment) are converted as round(amount x rate).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation, localcontext
from enum import StrEnum
from fractions import Fraction
from typing import Any

from invoicetron.billing.currencies import CURRENCIES

ZERO = Decimal(0)
HUNDRED = Decimal(100)
# Quantities (12+3 digits) times unit prices (14+4 digits) need more than Decimal's default 28.
_PRECISION = 60
# A list page rounds hundreds of amounts: one context and the quanta made once, not per amount
# (a local context and a currency lookup per call were most of a page's rounding time).
_ROUNDING = Context(prec=_PRECISION, rounding=ROUND_HALF_UP)
_QUANTA = {code: Decimal(1).scaleb(-digits) for code, (digits, _name) in CURRENCIES.items()}


class MoneyError(ValueError):
    """An input the money rules cannot accept (unknown currency, impossible discount…)."""


class DiscountKind(StrEnum):
    PERCENT = "percent"
    AMOUNT = "amount"


@dataclass(frozen=True)
class Discount:
    kind: DiscountKind = DiscountKind.PERCENT
    value: Decimal = ZERO

    def of(self, base: Decimal) -> Decimal:
        """The unrounded discount taken from `base`."""
        if self.kind is DiscountKind.PERCENT:
            return base * self.value / HUNDRED
        return self.value


NO_DISCOUNT = Discount()


@dataclass(frozen=True, order=True)
class Tax:
    """A tax as it applies to a document: its name and its rate in percent (0-100)."""

    name: str
    rate: Decimal


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    taxes: tuple[Tax, ...] = ()
    discount: Discount = NO_DISCOUNT


@dataclass(frozen=True)
class LineAmount:
    """One line's figures: `amount` is net (exclusive prices) or gross (inclusive prices)."""

    undiscounted: Decimal
    discount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class TaxAmount:
    """One row of the tax breakdown: the (discounted) base a tax applies to, and the tax."""

    name: str
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    currency: str
    prices_include_tax: bool
    lines: tuple[LineAmount, ...]
    subtotal: Decimal  # Σ line amounts, before the document discount
    discount: Decimal  # the document discount, rounded
    taxes: tuple[TaxAmount, ...]  # sorted by rate, then name
    net_total: Decimal
    tax_total: Decimal
    total: Decimal


# -- Currencies and rounding -----------------------------------------------------------------------


def check_currency(code: str) -> str:
    """The ISO 4217 code, upper-cased; MoneyError for a code we do not know."""
    normalized = (code or "").strip().upper()
    if normalized not in CURRENCIES:
        raise MoneyError(f"{code!r} is not an ISO 4217 currency code we know (e.g. EUR, USD).")
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
        context.prec = _PRECISION
        return round_to_minor_unit(amount * rate, to_currency)


@dataclass(frozen=True)
class BaseFigures:
    """A document's figures in the base currency (rule 9)."""

    net_total: Decimal
    taxes: tuple[TaxAmount, ...]
    tax_total: Decimal
    total: Decimal


def in_base_currency(totals: Totals, rate: Decimal, base_currency: str) -> BaseFigures:
    """The document's figures converted with `rate` (base currency units per unit), rule 9."""
    taxes = tuple(
        TaxAmount(
            row.name,
            row.rate,
            convert(row.base, rate, base_currency),
            convert(row.tax, rate, base_currency),
        )
        for row in totals.taxes
    )
    net = convert(totals.net_total, rate, base_currency)
    tax = sum((row.tax for row in taxes), round_to_minor_unit(ZERO, base_currency))
    return BaseFigures(net_total=net, taxes=taxes, tax_total=tax, total=net + tax)


def format_amount(amount: Decimal, currency: str, *, with_code: bool = True) -> str:
    """`1,234.50 EUR`: grouped thousands and exactly the currency's minor digits."""
    digits = minor_unit(currency)
    text = f"{round_to_minor_unit(amount, currency):,.{digits}f}"
    return f"{text} {check_currency(currency)}" if with_code else text


# -- Totals ----------------------------------------------------------------------------------------


def line_amount(line: Line, currency: str) -> LineAmount:
    with localcontext() as context:
        context.prec = _PRECISION
        gross = line.quantity * line.unit_price
        amount = round_to_minor_unit(gross - line.discount.of(gross), currency)
        undiscounted = round_to_minor_unit(gross, currency)
    return LineAmount(undiscounted=undiscounted, discount=undiscounted - amount, amount=amount)


def compute_totals(
    lines: Sequence[Line],
    currency: str,
    *,
    prices_include_tax: bool = False,
    discount: Discount = NO_DISCOUNT,
) -> Totals:
    """Every figure of a document (see the module docstring for the rules)."""
    currency = check_currency(currency)
    groups = _discounted_groups(lines, currency, discount)
    return _document(groups, currency, prices_include_tax)


@dataclass(frozen=True)
class _Groups:
    """A document's lines, its document discount, and its discounted amount per tax set."""

    lines: tuple[LineAmount, ...]
    subtotal: Decimal
    discount: Decimal
    amounts: dict[tuple[Tax, ...], Decimal]


def _discounted_groups(lines: Sequence[Line], currency: str, discount: Discount) -> _Groups:
    zero = round_to_minor_unit(ZERO, currency)  # 0, 0.00 or 0.000: sums keep the currency's digits
    amounts = tuple(line_amount(line, currency) for line in lines)
    group_amounts: dict[tuple[Tax, ...], Decimal] = defaultdict(lambda: zero)
    for line, figures in zip(lines, amounts, strict=True):
        group_amounts[tax_set(line.taxes)] += figures.amount
    subtotal = sum((figures.amount for figures in amounts), zero)
    document_discount = _document_discount(discount, subtotal, currency)
    keys = sorted(group_amounts)
    shares = allocate(document_discount, [group_amounts[key] for key in keys], currency)
    discounted = {key: group_amounts[key] - share for key, share in zip(keys, shares, strict=True)}
    return _Groups(amounts, subtotal, document_discount, discounted)


def _document(groups: _Groups, currency: str, prices_include_tax: bool) -> Totals:
    """Rules 5-7: the taxes and totals of a document from its discounted group amounts."""
    zero = round_to_minor_unit(ZERO, currency)
    if prices_include_tax:
        taxes, net_total = _inclusive_taxes(groups.amounts, currency)
    else:
        taxes, net_total = _exclusive_taxes(groups.amounts, currency)
    net_total += zero
    tax_total = sum((row.tax for row in taxes), zero)
    return Totals(
        currency=currency,
        prices_include_tax=prices_include_tax,
        lines=groups.lines,
        subtotal=groups.subtotal,
        discount=groups.discount,
        taxes=taxes,
        net_total=net_total,
        tax_total=tax_total,
        total=net_total + tax_total,
    )


def proportional_discount(subtotal: Decimal, discount: Decimal) -> Discount:
    """An invoice's document discount as a percent of its subtotal, to apply to part of its lines.

    Rule 8 takes credited lines' share of the discount with it; over all the lines the percent
    gives back exactly the invoice's discount (rounded as rule 4 rounds it).
    """
    if not subtotal or not discount:
        return NO_DISCOUNT
    with localcontext() as context:
        context.prec = _PRECISION
        return Discount(DiscountKind.PERCENT, discount * HUNDRED / subtotal)


def credit_note_totals(
    before: Sequence[Line],
    after: Sequence[Line],
    credited: Sequence[Line],
    currency: str,
    *,
    prices_include_tax: bool = False,
    discount: Discount = NO_DISCOUNT,
) -> Totals:
    """The figures of a credit note that takes `credited` off an invoice (rule 8).

    `before` and `after` are the invoice's lines not yet credited before and after this note
    (quantities reduced), `discount` the invoice's document discount as a percent of its subtotal.
    """
    currency = check_currency(currency)
    was = _discounted_groups(before, currency, discount)
    rest = _discounted_groups(after, currency, discount)
    amounts = {
        key: amount - rest.amounts.get(key, ZERO)
        for key, amount in was.amounts.items()
        if amount != rest.amounts.get(key, ZERO)
    }
    lines = tuple(line_amount(line, currency) for line in credited)
    zero = round_to_minor_unit(ZERO, currency)
    subtotal = sum((figures.amount for figures in lines), zero)
    groups = _Groups(lines, subtotal, was.discount - rest.discount, amounts)
    return _document(groups, currency, prices_include_tax)


def tax_set(taxes: Iterable[Tax]) -> tuple[Tax, ...]:
    """A line's taxes as a canonical key: each tax once, sorted."""
    return tuple(sorted(set(taxes)))


def _document_discount(discount: Discount, subtotal: Decimal, currency: str) -> Decimal:
    if discount.value == ZERO:
        return round_to_minor_unit(ZERO, currency)
    if discount.kind is DiscountKind.PERCENT and not ZERO <= discount.value <= HUNDRED:
        raise MoneyError("A percent discount must be between 0 and 100.")
    amount = round_to_minor_unit(discount.of(subtotal), currency)
    if discount.kind is DiscountKind.AMOUNT and amount != discount.value:
        raise MoneyError(f"The discount has more decimals than {currency} allows.")
    if abs(amount) > abs(subtotal) or (amount and subtotal and (amount > 0) != (subtotal > 0)):
        raise MoneyError("The discount cannot be larger than the sum of the lines.")
    return amount


def allocate(total: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split `total` in proportion to `weights`, in whole minor units that add up to `total`.

    Largest remainder: every share is first truncated, then the missing units go one by one to
    the shares with the largest remainders (ties to the earliest weight).
    """
    if not weights:
        if total:
            raise MoneyError("There is nothing to apply the discount to.")
        return []
    unit = quantum(currency)
    units = int(total / unit)
    unit_weights = [int(weight / unit) for weight in weights]
    weight_sum = sum(unit_weights)
    if units == 0:
        return [ZERO for _ in weights]
    if weight_sum == 0:
        raise MoneyError("There is nothing to apply the discount to.")
    exact = [Fraction(units * weight, weight_sum) for weight in unit_weights]
    shares = [int(value) for value in exact]  # int() truncates toward zero
    missing = units - sum(shares)
    step = 1 if missing > 0 else -1
    order = sorted(range(len(exact)), key=lambda i: (-abs(exact[i] - shares[i]), i))
    for position in range(abs(missing)):
        shares[order[position % len(order)]] += step
    return [Decimal(share) * unit for share in shares]


def _exclusive_taxes(
    nets: Mapping[tuple[Tax, ...], Decimal], currency: str
) -> tuple[tuple[TaxAmount, ...], Decimal]:
    bases: dict[Tax, Decimal] = defaultdict(lambda: ZERO)
    for taxes, net in nets.items():
        for tax in taxes:
            bases[tax] += net
    rows = tuple(
        TaxAmount(tax.name, tax.rate, base, _percent_of(base, tax.rate, currency))
        for tax, base in sorted(bases.items(), key=_breakdown_order)
    )
    return rows, sum(nets.values(), ZERO)


def _inclusive_taxes(
    grosses: Mapping[tuple[Tax, ...], Decimal], currency: str
) -> tuple[tuple[TaxAmount, ...], Decimal]:
    bases: dict[Tax, Decimal] = defaultdict(lambda: ZERO)
    amounts: dict[Tax, Decimal] = defaultdict(lambda: ZERO)
    net_total = ZERO
    for taxes, gross in grosses.items():
        combined_rate = sum((tax.rate for tax in taxes), ZERO)
        with localcontext() as context:
            context.prec = _PRECISION
            net = round_to_minor_unit(gross / (1 + combined_rate / HUNDRED), currency)
        net_total += net
        remaining = gross - net
        by_rate = sorted(taxes, key=lambda tax: (tax.rate, tax.name))
        for index, tax in enumerate(by_rate):
            is_last = index == len(by_rate) - 1
            share = remaining if is_last else _percent_of(net, tax.rate, currency)
            remaining -= share
            bases[tax] += net
            amounts[tax] += share
    rows = tuple(
        TaxAmount(tax.name, tax.rate, base, amounts[tax])
        for tax, base in sorted(bases.items(), key=_breakdown_order)
    )
    return rows, net_total


def _percent_of(base: Decimal, rate: Decimal, currency: str) -> Decimal:
    with localcontext() as context:
        context.prec = _PRECISION
        return round_to_minor_unit(base * rate / HUNDRED, currency)


def _breakdown_order(item: tuple[Tax, Decimal]) -> tuple[Decimal, str]:
    return (item[0].rate, item[0].name)


def closing_rounding(total: Decimal, paid: Decimal, credited: Decimal, balance: Decimal) -> Decimal:
    """The adjustment that closed an invoice with its credit notes (rule 8): usually 0.

    A few minor units, negative when the notes fell short of the invoice, positive when they went
    over. Shown as its own row so that total - credited - paid + rounding = balance on a page.
    """
    return balance - (total - paid - credited)


# -- JSON (amounts as strings) ---------------------------------------------------------------------


def totals_to_json(totals: Totals) -> dict[str, Any]:
    return {
        "currency": totals.currency,
        "prices_include_tax": totals.prices_include_tax,
        "lines": [
            {
                "undiscounted": str(x.undiscounted),
                "discount": str(x.discount),
                "amount": str(x.amount),
            }
            for x in totals.lines
        ],
        "subtotal": str(totals.subtotal),
        "discount": str(totals.discount),
        "taxes": [
            {"name": row.name, "rate": str(row.rate), "base": str(row.base), "tax": str(row.tax)}
            for row in totals.taxes
        ],
        "net_total": str(totals.net_total),
        "tax_total": str(totals.tax_total),
        "total": str(totals.total),
    }


def totals_from_json(data: Mapping[str, Any]) -> Totals:
    try:
        return Totals(
            currency=data["currency"],
            prices_include_tax=bool(data["prices_include_tax"]),
            lines=tuple(
                LineAmount(Decimal(x["undiscounted"]), Decimal(x["discount"]), Decimal(x["amount"]))
                for x in data["lines"]
            ),
            subtotal=Decimal(data["subtotal"]),
            discount=Decimal(data["discount"]),
            taxes=tuple(
                TaxAmount(
                    row["name"], Decimal(row["rate"]), Decimal(row["base"]), Decimal(row["tax"])
                )
                for row in data["taxes"]
            ),
            net_total=Decimal(data["net_total"]),
            tax_total=Decimal(data["tax_total"]),
            total=Decimal(data["total"]),
        )
    except (KeyError, TypeError, InvalidOperation) as error:
        raise MoneyError(f"Stored totals are unreadable: {error}") from error
