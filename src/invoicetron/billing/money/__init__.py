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
   the invoice's document discount as a percent of its subtotal and each share of its document
   allowances and charges (rule 11) scaled by the lines of its tax set still there (by all its
   lines for a charge of a set no line has), rounded; the note lists its part of each one
   (`credit`). These shares telescope, so the
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
   invoice's taxes before and after them); issued documents never change. The note's lines,
   each rounded on its own, can miss its share by a few minor units per tax set: that difference
   is shown as a document charge or allowance of the set (rule 11's figures, not an input), so
   the note's own lines, allowances and charges add up to its net total (EN 16931 BR-CO-13).
9. In the base currency (`in_base_currency`), a document's figures are converted piece by piece
   with the exchange rate its invoice recorded: net = round(net total x rate), each tax row
   round(tax x rate) (and its base round(base x rate)), tax = Σ converted rows, total = net + tax.
   Every report and the dashboard sum these, so the sales report's tax is the tax report's to
   the cent. Single amounts (a balance, a payment) are converted as round(amount x rate).
10. A line's price may be for a number of units (EN 16931 BT-149, price base quantity): its
   gross is quantity x unit price / base quantity, unrounded, and rule 2 applies to that. A line
   may also carry allowances and charges (BG-27/BG-28), each rounded on its own: a percent of
   its given base, else of the unrounded gross; an amount as it is (it must fit the currency).
   line amount = round(gross - line discount) - Σ allowances + Σ charges. Unit prices may have
   up to 6 decimals (`UNIT_PRICE_PLACES`); the engine computes exactly whatever it is given.
11. A document may carry allowances and charges (BG-20/BG-21) besides its discount, each rounded
   on its own (a percent of its given base, else of the lines it applies to). One that names a
   tax set (a VAT category and rate) is taken from, or added to, that set's amount alone (a
   charge may open a set no line has); one that names none is split like the discount (rule 4,
   in proportion to the sets' line amounts). They apply after the discount; rules 5-7 then see
   the adjusted amounts. With inclusive prices their amounts are gross, like the lines'.
   Credit notes take their share of them (rule 8), so crediting every line credits them all.
12. EN 16931 totals (`document_totals`): BT-106 = subtotal, BT-107 = discount + Σ document
   allowances, BT-108 = Σ document charges, BT-109 = net total (= BT-106 - BT-107 + BT-108),
   BT-110 = tax total, BT-112 = total, BT-115 = BT-112 - BT-113 paid + BT-114 rounding. The tax
   breakdown rows are BT-116 (base) and BT-117 (tax). Only exclusive prices map onto them.
   `discount_shares` gives the document discount per tax: an e-invoice writes it as one
   document allowance per VAT category and rate.
13. Deposit invoices (`deposits`): a deposit asks for a percent or an amount of a document,
   split over its tax sets in proportion (`deposit_amounts`); the final invoice lists the whole
   work, then `deduct` subtracts each paid deposit's base and tax per rate and its net total, as
   issued. Its tax is the whole tax less the deposits' tax, exactly; deposits + final = whole
   total. EN 16931 sees each deducted row as a document allowance (BT-107 counts them).

The engine is a package: `currency` rounds (rule 1), `core` computes, `credit` computes credit
notes (rule 8), `snapshots` reads and writes the JSON issued documents keep, `en16931` gives the
e-invoice totals, `rates` derives exchange rates from reference quotes, `deposits` computes
deposit invoices and their deduction. Import everything from `invoicetron.billing.money`.
"""

from invoicetron.billing.money.core import (
    NO_DISCOUNT,
    UNIT_PRICE_PLACES,
    Adjustment,
    AdjustmentAmount,
    BaseFigures,
    Deduction,
    Discount,
    DiscountKind,
    Line,
    LineAmount,
    Tax,
    TaxAmount,
    Totals,
    allocate,
    closing_rounding,
    compute_totals,
    in_base_currency,
    line_amount,
    tax_set,
)
from invoicetron.billing.money.credit import (
    ProportionalAdjustment,
    ProportionalShare,
    credit_note_totals,
    proportional_adjustments,
    proportional_discount,
)
from invoicetron.billing.money.credit_balance import (
    PaymentSplit,
    SettledFigures,
    applicable_credit,
    credit_balance,
    credit_note_surplus,
    refundable,
    settled_figures,
    split_payment,
)
from invoicetron.billing.money.currency import (
    HUNDRED,
    ZERO,
    MoneyError,
    check_currency,
    convert,
    decimal_places,
    fits_minor_unit,
    format_amount,
    format_money,
    minor_unit,
    quantum,
    round_to_minor_unit,
)
from invoicetron.billing.money.deposits import deduct, deposit_amounts
from invoicetron.billing.money.en16931 import DocumentTotals, discount_shares, document_totals
from invoicetron.billing.money.rates import RATE_PLACES, rate_from_quotes
from invoicetron.billing.money.snapshots import (
    adjustments_from_json,
    totals_from_json,
    totals_to_json,
)

__all__ = [
    "HUNDRED",
    "NO_DISCOUNT",
    "RATE_PLACES",
    "UNIT_PRICE_PLACES",
    "ZERO",
    "Adjustment",
    "AdjustmentAmount",
    "BaseFigures",
    "Deduction",
    "Discount",
    "DiscountKind",
    "DocumentTotals",
    "Line",
    "LineAmount",
    "MoneyError",
    "PaymentSplit",
    "ProportionalAdjustment",
    "ProportionalShare",
    "SettledFigures",
    "Tax",
    "TaxAmount",
    "Totals",
    "adjustments_from_json",
    "allocate",
    "applicable_credit",
    "check_currency",
    "closing_rounding",
    "compute_totals",
    "convert",
    "credit_balance",
    "credit_note_surplus",
    "credit_note_totals",
    "decimal_places",
    "deduct",
    "deposit_amounts",
    "discount_shares",
    "document_totals",
    "fits_minor_unit",
    "format_amount",
    "format_money",
    "in_base_currency",
    "line_amount",
    "minor_unit",
    "proportional_adjustments",
    "proportional_discount",
    "quantum",
    "rate_from_quotes",
    "refundable",
    "round_to_minor_unit",
    "settled_figures",
    "split_payment",
    "tax_set",
    "totals_from_json",
    "totals_to_json",
]
