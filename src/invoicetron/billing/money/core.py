"""A document's totals: lines, discounts, allowances and charges, taxes (rules 2-11)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from enum import StrEnum
from fractions import Fraction

from django.utils.translation import gettext as _

from invoicetron.billing.money.currency import (
    HUNDRED,
    PRECISION,
    ZERO,
    MoneyError,
    check_currency,
    convert,
    quantum,
    round_to_minor_unit,
)


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


# Unit prices may carry this many decimals (EN 16931 sets no limit on BT-146; 6 covers prices of
# fuel, energy or bulk goods per unit). The engine computes exactly whatever it is given.
UNIT_PRICE_PLACES = 6


@dataclass(frozen=True)
class Adjustment:
    """An allowance (taken off) or a charge (added): EN 16931 BG-20/BG-21 and BG-27/BG-28.

    A percent is taken of `base` when given (BT-93/BT-100/BT-137/BT-142), otherwise of what it
    applies to (rules 10 and 11). On a document, `taxes` names the tax set (VAT category and
    rate) it belongs to; None spreads it over every tax set like the document discount (rule 4).
    """

    charge: bool = False
    kind: DiscountKind = DiscountKind.AMOUNT
    value: Decimal = ZERO
    base: Decimal | None = None
    taxes: tuple[Tax, ...] | None = None

    def amount(self, default_base: Decimal, currency: str) -> Decimal:
        """The rounded amount: a percent of its base, or its amount (which must fit `currency`)."""
        if self.kind is DiscountKind.PERCENT:
            if not ZERO <= self.value <= HUNDRED:
                raise MoneyError(_("An allowance or charge percent must be between 0 and 100."))
            return _percent_of(
                default_base if self.base is None else self.base, self.value, currency
            )
        amount = round_to_minor_unit(self.value, currency)
        if amount != self.value:
            raise MoneyError(
                _("The allowance or charge has more decimals than %(currency)s allows.")
                % {"currency": currency}
            )
        return amount


@dataclass(frozen=True)
class Line:
    quantity: Decimal
    unit_price: Decimal
    taxes: tuple[Tax, ...] = ()
    discount: Discount = NO_DISCOUNT
    base_quantity: Decimal = Decimal(1)  # BT-149: the unit price is for this many units
    adjustments: tuple[Adjustment, ...] = ()  # line allowances and charges (rule 10)


@dataclass(frozen=True)
class LineAmount:
    """One line's figures: `amount` is net (exclusive prices) or gross (inclusive prices).

    amount = undiscounted - discount - Σ allowances + Σ charges (each rounded, rule 10).
    """

    undiscounted: Decimal
    discount: Decimal
    amount: Decimal
    allowances: tuple[Decimal, ...] = ()  # BT-136 of each line allowance, in the order given
    charges: tuple[Decimal, ...] = ()  # BT-141 of each line charge, in the order given


@dataclass(frozen=True)
class AdjustmentAmount:
    """A document allowance or charge as applied: its amount and its share per tax set (rule 11).

    One share for an allowance or charge of one tax set; a spread one has a share per tax set it
    reached, and an e-invoice writes one BG-20/BG-21 per share.
    """

    charge: bool
    amount: Decimal
    shares: tuple[tuple[tuple[Tax, ...], Decimal], ...]
    # On a credit note (rule 8): the position of the invoice's allowance or charge this is the
    # note's share of, None for the note's line rounding. Not stored with the totals: the note's
    # snapshot keeps the reasons in the same order.
    origin: int | None = field(default=None, compare=False)


@dataclass(frozen=True)
class TaxAmount:
    """One row of the tax breakdown: the (discounted) base a tax applies to, and the tax."""

    name: str
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Deduction:
    """A paid deposit (advance payment) invoice deducted on a final invoice (rule 13): its net
    total and its tax rows exactly as it was issued with them."""

    net_total: Decimal
    taxes: tuple[TaxAmount, ...]

    @property
    def tax_total(self) -> Decimal:
        return sum((row.tax for row in self.taxes), ZERO)

    @property
    def total(self) -> Decimal:
        return self.net_total + self.tax_total


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
    # Document allowances and charges (rule 11); `discount` stays apart. Defaults read old
    # snapshots, which had none.
    adjustments: tuple[AdjustmentAmount, ...] = ()
    allowance_total: Decimal = ZERO  # Σ document allowances, without `discount`
    charge_total: Decimal = ZERO  # Σ document charges
    # Deposit invoices deducted (rule 13), in the order given; `taxes` and the totals are then
    # what is left after them, `subtotal` still lists the whole work.
    deductions: tuple[Deduction, ...] = ()

    @property
    def deducted_net(self) -> Decimal:
        return sum((deduction.net_total for deduction in self.deductions), ZERO)


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


# -- Totals ----------------------------------------------------------------------------------------


def line_amount(line: Line, currency: str) -> LineAmount:
    if line.base_quantity <= ZERO:
        raise MoneyError(_("The price base quantity must be above 0 (the price is per that many)."))
    with localcontext() as context:
        context.prec = PRECISION
        gross = line.quantity * line.unit_price
        if line.base_quantity != 1:
            gross /= line.base_quantity
        amount = round_to_minor_unit(gross - line.discount.of(gross), currency)
        undiscounted = round_to_minor_unit(gross, currency)
    if not line.adjustments:
        return LineAmount(undiscounted=undiscounted, discount=undiscounted - amount, amount=amount)
    allowances = tuple(a.amount(gross, currency) for a in line.adjustments if not a.charge)
    charges = tuple(a.amount(gross, currency) for a in line.adjustments if a.charge)
    return LineAmount(
        undiscounted=undiscounted,
        discount=undiscounted - amount,
        amount=amount - sum(allowances, ZERO) + sum(charges, ZERO),
        allowances=allowances,
        charges=charges,
    )


def compute_totals(
    lines: Sequence[Line],
    currency: str,
    *,
    prices_include_tax: bool = False,
    discount: Discount = NO_DISCOUNT,
    adjustments: Sequence[Adjustment] = (),
) -> Totals:
    """Every figure of a document (see the module docstring for the rules).

    `adjustments` are the document's allowances and charges (rule 11), besides its discount.
    """
    currency = check_currency(currency)
    groups = _discounted_groups(lines, currency, discount, adjustments)
    return _document(groups, currency, prices_include_tax)


@dataclass(frozen=True)
class _Groups:
    """A document's lines, its document discount, and its discounted amount per tax set."""

    lines: tuple[LineAmount, ...]
    subtotal: Decimal
    discount: Decimal
    amounts: dict[tuple[Tax, ...], Decimal]
    adjustments: tuple[AdjustmentAmount, ...] = ()


def _discounted_groups(
    lines: Sequence[Line],
    currency: str,
    discount: Discount,
    adjustments: Sequence[Adjustment] = (),
) -> _Groups:
    zero = round_to_minor_unit(ZERO, currency)  # 0, 0.00 or 0.000: sums keep the currency's digits
    amounts = tuple(line_amount(line, currency) for line in lines)
    group_amounts = _group_sums(lines, amounts, zero)
    subtotal = sum((figures.amount for figures in amounts), zero)
    document_discount = _document_discount(discount, subtotal, currency)
    keys = sorted(group_amounts)
    shares = allocate(document_discount, [group_amounts[key] for key in keys], currency)
    discounted = {key: group_amounts[key] - share for key, share in zip(keys, shares, strict=True)}
    applied = tuple(
        _apply(adjustment, group_amounts, subtotal, discounted, currency)
        for adjustment in adjustments
    )
    return _Groups(amounts, subtotal, document_discount, discounted, applied)


def _group_sums(
    lines: Sequence[Line], amounts: Sequence[LineAmount], zero: Decimal
) -> dict[tuple[Tax, ...], Decimal]:
    """Σ line amounts per tax set."""
    sums: dict[tuple[Tax, ...], Decimal] = defaultdict(lambda: zero)
    for line, figures in zip(lines, amounts, strict=True):
        sums[tax_set(line.taxes)] += figures.amount
    return sums


def _apply(
    adjustment: Adjustment,
    line_amounts: Mapping[tuple[Tax, ...], Decimal],
    subtotal: Decimal,
    amounts: dict[tuple[Tax, ...], Decimal],
    currency: str,
) -> AdjustmentAmount:
    """Rule 11: add a document charge to (or take an allowance from) its tax sets' amounts."""
    if adjustment.taxes is None:
        amount = adjustment.amount(subtotal, currency)
        keys = sorted(line_amounts)
        split = allocate(amount, [line_amounts[key] for key in keys], currency)
        shares = tuple((key, share) for key, share in zip(keys, split, strict=True) if share)
    else:
        key = tax_set(adjustment.taxes)
        amount = adjustment.amount(line_amounts.get(key, ZERO), currency)
        shares = ((key, amount),)
    zero = round_to_minor_unit(ZERO, currency)
    for key, share in shares:
        amounts[key] = amounts.get(key, zero) + (share if adjustment.charge else -share)
    return AdjustmentAmount(adjustment.charge, amount, shares)


def _document(groups: _Groups, currency: str, prices_include_tax: bool) -> Totals:
    """Rules 5-7: the taxes and totals of a document from its discounted group amounts."""
    zero = round_to_minor_unit(ZERO, currency)
    if prices_include_tax:
        taxes, net_total = _inclusive_taxes(groups.amounts, currency)
    else:
        taxes, net_total = _exclusive_taxes(groups.amounts, currency)
    net_total += zero
    tax_total = sum((row.tax for row in taxes), zero)
    applied = groups.adjustments
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
        adjustments=applied,
        allowance_total=sum((a.amount for a in applied if not a.charge), zero),
        charge_total=sum((a.amount for a in applied if a.charge), zero),
    )


def tax_set(taxes: Iterable[Tax]) -> tuple[Tax, ...]:
    """A line's taxes as a canonical key: each tax once, sorted."""
    return tuple(sorted(set(taxes)))


def _document_discount(discount: Discount, subtotal: Decimal, currency: str) -> Decimal:
    if discount.value == ZERO:
        return round_to_minor_unit(ZERO, currency)
    if discount.kind is DiscountKind.PERCENT and not ZERO <= discount.value <= HUNDRED:
        raise MoneyError(_("A percent discount must be between 0 and 100."))
    amount = round_to_minor_unit(discount.of(subtotal), currency)
    if discount.kind is DiscountKind.AMOUNT and amount != discount.value:
        raise MoneyError(
            _("The discount has more decimals than %(currency)s allows.") % {"currency": currency}
        )
    if abs(amount) > abs(subtotal) or (amount and subtotal and (amount > 0) != (subtotal > 0)):
        raise MoneyError(_("The discount cannot be larger than the sum of the lines."))
    return amount


def allocate(total: Decimal, weights: Sequence[Decimal], currency: str) -> list[Decimal]:
    """Split `total` in proportion to `weights`, in whole minor units that add up to `total`.

    Largest remainder: every share is first truncated, then the missing units go one by one to
    the shares with the largest remainders (ties to the earliest weight).
    """
    if not weights:
        if total:
            raise MoneyError(_("There is nothing to apply the discount to."))
        return []
    unit = quantum(currency)
    units = int(total / unit)
    unit_weights = [int(weight / unit) for weight in weights]
    weight_sum = sum(unit_weights)
    if units == 0:
        return [ZERO for _weight in weights]
    if weight_sum == 0:
        raise MoneyError(_("There is nothing to apply the discount to."))
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
            context.prec = PRECISION
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
        context.prec = PRECISION
        return round_to_minor_unit(base * rate / HUNDRED, currency)


def _breakdown_order(item: tuple[Tax, Decimal]) -> tuple[Decimal, str]:
    return (item[0].rate, item[0].name)


def closing_rounding(total: Decimal, paid: Decimal, credited: Decimal, balance: Decimal) -> Decimal:
    """The adjustment that closed an invoice with its credit notes (rule 8): usually 0.

    A few minor units, negative when the notes fell short of the invoice, positive when they went
    over. Shown as its own row so that total - credited - paid + rounding = balance on a page.
    """
    return balance - (total - paid - credited)
