"""Deposit (advance payment) invoices and the final invoice that deducts them (rule 13).

A deposit invoice asks for part of a document (a quote, or an order's invoice draft): a percent
of its total, or an amount of it, split over its tax sets in proportion to their discounted
amounts (`deposit_amounts`), so that every tax rate is paid in advance in the same proportion.
It is an ordinary invoice: one line per tax set, computed by rules 2-7.

The final invoice lists the whole work and then deducts each paid deposit invoice with the
figures it was issued with (`deduct`): per tax (name, rate) its base and its tax are subtracted
from the final invoice's breakdown, its net total from the net total. The final invoice's VAT is
therefore exactly the whole VAT less the deposits' VAT, and deposits + final = the whole total to
the minor unit, whatever the rounding of each document. EN 16931 sees each deduction row as a
document allowance of its VAT category and rate (BT-92 = the deposit's base), so BT-109 and the
VAT breakdown are what is left; BR-CO-17's tolerance of one unit covers the tax computed on the
full base and the deposit's base separately.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal, localcontext

from django.utils.translation import gettext as _

from invoicetron.billing.money.core import (
    NO_DISCOUNT,
    Adjustment,
    Deduction,
    Discount,
    Line,
    Tax,
    TaxAmount,
    Totals,
    _discounted_groups,
    _document,
    allocate,
)
from invoicetron.billing.money.currency import (
    HUNDRED,
    PRECISION,
    ZERO,
    MoneyError,
    check_currency,
    round_to_minor_unit,
)


def deposit_amounts(
    lines: Sequence[Line],
    currency: str,
    *,
    percent: Decimal | None = None,
    amount: Decimal | None = None,
    prices_include_tax: bool = False,
    discount: Discount = NO_DISCOUNT,
    adjustments: Sequence[Adjustment] = (),
) -> list[tuple[tuple[Tax, ...], Decimal]]:
    """The deposit's amount per tax set of the document these are the lines of.

    Give `percent` (of the document's total, above 0 and at most 100) or `amount` (a part of
    its total, tax included). With prices exclusive of tax the amounts are nets: the net part is
    round(net total x percent) or round(net total x amount / total), so the deposit's total,
    its taxes computed on its own, can be a minor unit from the amount asked. With inclusive
    prices they are grosses and add up to the amount exactly.
    """
    currency = check_currency(currency)
    if (percent is None) == (amount is None):
        raise MoneyError(_("Give either a percent or an amount for the deposit."))
    groups = _discounted_groups(lines, currency, discount, adjustments)
    whole = _document(groups, currency, prices_include_tax)
    if whole.total <= ZERO:
        raise MoneyError(_("The document has no total to ask a deposit of."))
    if percent is not None and not ZERO < percent <= HUNDRED:
        raise MoneyError(_("The deposit percent must be above 0 and at most 100."))
    if amount is not None and not ZERO < amount <= whole.total:
        raise MoneyError(
            _("The deposit must be above 0 and at most the total (%(total)s %(currency)s).")
            % {"total": whole.total, "currency": currency}
        )
    basis = whole.total if prices_include_tax else whole.net_total
    with localcontext() as context:
        context.prec = PRECISION
        fraction = percent / HUNDRED if percent is not None else amount / whole.total  # type: ignore[operator]
        target = round_to_minor_unit(basis * fraction, currency)
    keys = sorted(key for key, value in groups.amounts.items() if value > ZERO)
    shares = allocate(target, [groups.amounts[key] for key in keys], currency)
    return [(key, share) for key, share in zip(keys, shares, strict=True) if share]


def deduct(totals: Totals, deductions: Sequence[Deduction]) -> Totals:
    """`totals` less the paid deposit invoices `deductions` (rule 13).

    MoneyError when a deposit has a tax the document does not, or deducts more than its base or
    its tax at a rate, or more than its net total (a final invoice never goes below zero).
    """
    if not deductions:
        return totals
    zero = round_to_minor_unit(ZERO, totals.currency)
    bases: dict[Tax, Decimal] = defaultdict(lambda: zero)
    taxes: dict[Tax, Decimal] = defaultdict(lambda: zero)
    for deduction in deductions:
        for row in deduction.taxes:
            bases[Tax(row.name, row.rate)] += row.base
            taxes[Tax(row.name, row.rate)] += row.tax
    rows = []
    for row in totals.taxes:
        key = Tax(row.name, row.rate)
        rows.append(
            TaxAmount(
                row.name, row.rate, row.base - bases.pop(key, zero), row.tax - taxes.pop(key, zero)
            )
        )
    if bases:
        names = ", ".join(f"{tax.name} {tax.rate}%" for tax in sorted(bases))
        raise MoneyError(
            _("The deposits carry a tax the final invoice does not: %(taxes)s.") % {"taxes": names}
        )
    if any(row.base < ZERO or row.tax < ZERO for row in rows):
        raise MoneyError(
            _("The deposits are larger than the final invoice at one of its tax rates.")
        )
    net_total = totals.net_total - sum((d.net_total for d in deductions), zero)
    if net_total < ZERO:
        raise MoneyError(_("The deposits are larger than the final invoice."))
    tax_total = sum((row.tax for row in rows), zero)
    return replace(
        totals,
        taxes=tuple(rows),
        net_total=net_total,
        tax_total=tax_total,
        total=net_total + tax_total,
        deductions=tuple(deductions),
    )
