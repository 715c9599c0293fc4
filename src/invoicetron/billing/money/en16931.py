"""The document totals EN 16931 asks for (BG-22), from a document's `Totals` (rule 12).

E-invoice writers (UBL, CII, Factur-X) take every amount from here and from `Totals`; they never
add, subtract or round money themselves.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from invoicetron.billing.money.core import Tax, Totals
from invoicetron.billing.money.currency import (
    ZERO,
    MoneyError,
    fits_minor_unit,
    round_to_minor_unit,
)


@dataclass(frozen=True)
class DocumentTotals:
    """EN 16931 BG-22, each field named after its business term."""

    line_net_total: Decimal  # BT-106: Σ invoice line net amounts
    allowance_total: Decimal  # BT-107: Σ document allowances (the document discount included)
    charge_total: Decimal  # BT-108: Σ document charges
    total_without_vat: Decimal  # BT-109
    vat_total: Decimal  # BT-110
    total_with_vat: Decimal  # BT-112
    paid: Decimal  # BT-113
    rounding: Decimal  # BT-114
    amount_due: Decimal  # BT-115


def document_totals(
    totals: Totals, *, paid: Decimal = ZERO, rounding: Decimal = ZERO
) -> DocumentTotals:
    """BT-106 to BT-115 of a document; `paid` is BT-113 (paid in advance), `rounding` BT-114.

    MoneyError when the figures cannot be written as EN 16931 totals: prices inclusive of tax
    (its line amounts are gross, BT-131 is net), or totals that do not add up as BR-CO-13 wants.
    """
    currency = totals.currency
    if totals.prices_include_tax:
        raise MoneyError(
            _("EN 16931 needs line amounts without VAT; this document's prices include tax.")
        )
    if not fits_minor_unit(paid, currency):
        raise MoneyError(
            _("The paid amount has more decimals than %(currency)s allows.")
            % {"currency": currency}
        )
    if not fits_minor_unit(rounding, currency):
        raise MoneyError(
            _("The rounding amount has more decimals than %(currency)s allows.")
            % {"currency": currency}
        )
    zero = round_to_minor_unit(ZERO, currency)
    # Deposit invoices deducted (rule 13) are document allowances of their VAT rates.
    allowances = totals.discount + totals.allowance_total + totals.deducted_net + zero
    charges = totals.charge_total + zero
    if totals.subtotal - allowances + charges != totals.net_total:
        # BR-CO-13 (BT-109 = BT-106 - BT-107 + BT-108); only a credit note computed by rule 8
        # from an invoice's remaining lines can miss it, by the rounding of its lines.
        raise MoneyError(
            _(
                "The lines (%(lines)s) less allowances (%(allowances)s) plus charges "
                "(%(charges)s) are not the total without tax (%(net_total)s)."
            )
            % {
                "lines": totals.subtotal,
                "allowances": allowances,
                "charges": charges,
                "net_total": totals.net_total,
            }
        )
    paid += zero
    rounding += zero
    return DocumentTotals(
        line_net_total=totals.subtotal,
        allowance_total=allowances,
        charge_total=charges,
        total_without_vat=totals.net_total,
        vat_total=totals.tax_total,
        total_with_vat=totals.total,
        paid=paid,
        rounding=rounding,
        amount_due=totals.total - paid + rounding,
    )


def discount_shares(
    totals: Totals, line_taxes: Sequence[tuple[Tax, ...]]
) -> tuple[tuple[Tax, Decimal], ...]:
    """The document discount per tax, in breakdown order: EN 16931 writes a document allowance
    per VAT category and rate (BR-S-08 and its kin sum them per category), the engine keeps only
    the discount's total (rule 4 spreads it, rule 8 gives a credit note its share).

    `line_taxes` are the taxes of `totals.lines`, in order; each line must carry exactly one tax.
    Per tax, the share is what its lines, allowances and charges leave above its base:
    Σ line amounts - Σ allowance shares + Σ charge shares - base, and the shares add up to the
    discount. MoneyError when a line has no tax or several, or the figures do not agree.
    """
    if len(line_taxes) != len(totals.lines):
        raise MoneyError(_("The lines and their figures do not match."))
    zero = round_to_minor_unit(ZERO, totals.currency)
    left: dict[Tax, Decimal] = defaultdict(lambda: zero)
    for taxes, figures in zip(line_taxes, totals.lines, strict=True):
        left[_single_tax(taxes)] += figures.amount
    for adjustment in totals.adjustments:
        for taxes, share in adjustment.shares:
            left[_single_tax(taxes)] += share if adjustment.charge else -share
    for deduction in totals.deductions:
        for deducted in deduction.taxes:
            left[Tax(deducted.name, deducted.rate)] -= deducted.base
    shares = []
    for row in totals.taxes:
        share = left.pop(Tax(row.name, row.rate), zero) - row.base
        if share:
            shares.append((Tax(row.name, row.rate), share))
    if left or sum((share for _tax, share in shares), zero) != totals.discount:
        raise MoneyError(_("The document discount cannot be split by tax from these figures."))
    return tuple(shares)


def _single_tax(taxes: tuple[Tax, ...]) -> Tax:
    if len(set(taxes)) != 1:
        raise MoneyError(_("EN 16931 needs exactly one tax (VAT category and rate) per line."))
    return taxes[0]
