"""A credit note's figures from the invoice lines it takes (rule 8).

A credit note's amount per tax set telescopes: the invoice's amount over the lines not yet
credited before the note, less the same over the lines left after it. The invoice's document
discount and its document allowances and charges take part in that amount, each scaled to the
lines still there (`proportional_discount`, `proportional_adjustments`), so every note takes its
share of them, the note that credits the rest takes what remains, and a note crediting the whole
invoice takes exactly the invoice's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext

from invoicetron.billing.money.core import (
    NO_DISCOUNT,
    AdjustmentAmount,
    Discount,
    DiscountKind,
    Line,
    Tax,
    Totals,
    _discounted_groups,
    _document,
    _group_sums,
    _Groups,
    line_amount,
)
from invoicetron.billing.money.currency import (
    HUNDRED,
    PRECISION,
    ZERO,
    check_currency,
    round_to_minor_unit,
)

TaxSet = tuple[Tax, ...]


def proportional_discount(subtotal: Decimal, discount: Decimal) -> Discount:
    """An invoice's document discount as a percent of its subtotal, to apply to part of its lines.

    Rule 8 takes credited lines' share of the discount with it; over all the lines the percent
    gives back exactly the invoice's discount (rounded as rule 4 rounds it).
    """
    if not subtotal or not discount:
        return NO_DISCOUNT
    with localcontext() as context:
        context.prec = PRECISION
        return Discount(DiscountKind.PERCENT, discount * HUNDRED / subtotal)


@dataclass(frozen=True)
class ProportionalShare:
    """One tax set's part of an invoice's document allowance or charge, and what it scales with.

    `weight` is the invoice's line amount of that set, or of all its lines when `whole` (a
    charge of a set no line has, freight at a rate of its own, shrinks with the whole invoice).
    """

    taxes: TaxSet
    amount: Decimal
    weight: Decimal
    whole: bool = False

    def over(self, sums: Mapping[TaxSet, Decimal], subtotal: Decimal, currency: str) -> Decimal:
        """The part of `amount` that lines whose amounts per set are `sums` still carry."""
        weight = subtotal if self.whole else sums.get(self.taxes, ZERO)
        if not self.weight:  # nothing to scale with: it stays whole while any of its lines do
            present = bool(sums) if self.whole else self.taxes in sums
            return self.amount if present else round_to_minor_unit(ZERO, currency)
        with localcontext() as context:
            context.prec = PRECISION
            return round_to_minor_unit(self.amount * weight / self.weight, currency)


@dataclass(frozen=True)
class ProportionalAdjustment:
    """An invoice's document allowance or charge (rule 11), to apply to part of its lines."""

    charge: bool
    shares: tuple[ProportionalShare, ...]


def proportional_adjustments(
    lines: Sequence[Line], applied: Sequence[AdjustmentAmount], currency: str
) -> tuple[ProportionalAdjustment, ...]:
    """An invoice's document allowances and charges as `applied` to all its `lines`, for rule 8.

    Each share shrinks with the lines of its tax set only, like the discount's share of that set;
    over all the lines it gives back exactly the invoice's amount.
    """
    currency = check_currency(currency)
    zero = round_to_minor_unit(ZERO, currency)
    sums = _group_sums(lines, [line_amount(line, currency) for line in lines], zero)
    subtotal = sum(sums.values(), zero)
    return tuple(
        ProportionalAdjustment(
            adjustment.charge,
            tuple(
                ProportionalShare(taxes, amount, sums[taxes])
                if taxes in sums
                else ProportionalShare(taxes, amount, subtotal, whole=True)
                for taxes, amount in adjustment.shares
            ),
        )
        for adjustment in applied
    )


def credit_note_totals(
    before: Sequence[Line],
    after: Sequence[Line],
    credited: Sequence[Line],
    currency: str,
    *,
    prices_include_tax: bool = False,
    discount: Discount = NO_DISCOUNT,
    adjustments: Sequence[ProportionalAdjustment] = (),
) -> Totals:
    """The figures of a credit note that takes `credited` off an invoice (rule 8).

    `before` and `after` are the invoice's lines not yet credited before and after this note
    (quantities reduced), `discount` the invoice's document discount as a percent of its subtotal
    and `adjustments` its document allowances and charges (`proportional_adjustments`).
    """
    currency = check_currency(currency)
    zero = round_to_minor_unit(ZERO, currency)
    was = _discounted_groups(before, currency, discount)
    rest = _discounted_groups(after, currency, discount)
    was_lines = _group_sums(before, [line_amount(line, currency) for line in before], zero)
    rest_lines = _group_sums(after, [line_amount(line, currency) for line in after], zero)
    taken = tuple(
        _taken(index, adjustment, was_lines, rest_lines, was.amounts, rest.amounts, currency)
        for index, adjustment in enumerate(adjustments)
    )
    amounts = {
        key: amount - rest.amounts.get(key, zero)
        for key, amount in was.amounts.items()
        if amount != rest.amounts.get(key, zero)
    }
    lines = tuple(line_amount(line, currency) for line in credited)
    subtotal = sum((figures.amount for figures in lines), zero)
    # Lines rounded one by one need not add up to the telescoped amounts: the difference per
    # tax set (a few minor units) is shown as a charge or allowance, so BT-109 = BT-106 - BT-107
    # + BT-108 holds (EN 16931 BR-CO-13) while net, tax and total stay as rule 8 makes them.
    credited_lines = _group_sums(credited, lines, zero)
    differences = {
        key: was_lines[key] - rest_lines.get(key, zero) - credited_lines.get(key, zero)
        for key in sorted(was_lines)
    }
    residuals = tuple(
        AdjustmentAmount(difference > 0, abs(difference), ((key, abs(difference)),))
        for key, difference in differences.items()
        if difference
    )
    applied = tuple(adjustment for adjustment in taken if adjustment.shares) + residuals
    groups = _Groups(lines, subtotal, was.discount - rest.discount, amounts, applied)
    return _document(groups, currency, prices_include_tax)


def _taken(
    index: int,
    adjustment: ProportionalAdjustment,
    was_lines: Mapping[TaxSet, Decimal],
    rest_lines: Mapping[TaxSet, Decimal],
    was_amounts: dict[TaxSet, Decimal],
    rest_amounts: dict[TaxSet, Decimal],
    currency: str,
) -> AdjustmentAmount:
    """Apply the adjustment to the amounts before and after the note; the note takes the gap."""
    zero = round_to_minor_unit(ZERO, currency)
    was_subtotal, rest_subtotal = sum(was_lines.values(), zero), sum(rest_lines.values(), zero)
    sign = 1 if adjustment.charge else -1
    shares = []
    for share in adjustment.shares:
        was = share.over(was_lines, was_subtotal, currency)
        rest = share.over(rest_lines, rest_subtotal, currency)
        for amounts, part in ((was_amounts, was), (rest_amounts, rest)):
            if part:
                amounts[share.taxes] = amounts.get(share.taxes, zero) + sign * part
        if was != rest:
            shares.append((share.taxes, was - rest))
    amount = sum((part for _, part in shares), zero)
    return AdjustmentAmount(adjustment.charge, amount, tuple(shares), origin=index)
