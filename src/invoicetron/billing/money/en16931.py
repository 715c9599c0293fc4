"""The document totals EN 16931 asks for (BG-22), from a document's `Totals` (rule 12).

E-invoice writers (UBL, CII, Factur-X) take every amount from here and from `Totals`; they never
add, subtract or round money themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from invoicetron.billing.money.core import Totals
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
            "EN 16931 needs line amounts without VAT; this document's prices include tax."
        )
    for name, value in (("paid amount", paid), ("rounding amount", rounding)):
        if not fits_minor_unit(value, currency):
            raise MoneyError(f"The {name} has more decimals than {currency} allows.")
    zero = round_to_minor_unit(ZERO, currency)
    allowances = totals.discount + totals.allowance_total + zero
    charges = totals.charge_total + zero
    if totals.subtotal - allowances + charges != totals.net_total:
        # BR-CO-13 (BT-109 = BT-106 - BT-107 + BT-108); only a credit note computed by rule 8
        # from an invoice's remaining lines can miss it, by the rounding of its lines.
        raise MoneyError(
            f"The lines ({totals.subtotal}) less allowances ({allowances}) plus charges "
            f"({charges}) are not the total without tax ({totals.net_total})."
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
