"""Property tests of money rule 8 (credit notes) and rule 9 (the base currency), no database.

Whatever the invoice (lines, several tax rates, line and document discounts, document allowances
and charges spread or of one tax set, prices with or without tax) and however its quantities are
credited over several notes, each note's tax per rate is its own base x rate, rounded (prices
without tax), and the notes add up to the invoice's bases (prices without tax) or to its gross total
(prices with tax), and to each of its allowances and charges, tax set by tax set.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicetron.billing import money
from invoicetron.billing.money import Line
from tests.billing.money_strategies import Document, documents

EXAMPLES = 80
fractions = st.sampled_from([Decimal("0.25"), Decimal("0.5"), Decimal("1"), Decimal("0.333")])


@st.composite
def credit_plans(draw: st.DrawFn, document: Document) -> list[list[Decimal]]:
    """1-4 notes; each takes a share of what is left of some lines; the last takes the rest."""
    notes = draw(st.integers(min_value=1, max_value=4))
    left = [line.quantity for line in document.items]
    plan = []
    for _ in range(notes - 1):
        chosen = draw(st.lists(st.booleans(), min_size=len(left), max_size=len(left)))
        share = draw(fractions)
        take = [
            (quantity * share).quantize(Decimal("0.001")) if pick else Decimal(0)
            for quantity, pick in zip(left, chosen, strict=True)
        ]
        if any(take):
            plan.append(take)
            left = [quantity - part for quantity, part in zip(left, take, strict=True)]
    plan.append(left)  # the last note credits everything that remains
    return plan


def with_quantities(items: list[Line], quantities: list[Decimal]) -> list[Line]:
    return [
        Line(quantity, line.unit_price, line.taxes, line.discount)
        for line, quantity in zip(items, quantities, strict=True)
        if quantity
    ]


def issue_notes(document: Document, plan: list[list[Decimal]]) -> list[money.Totals]:
    """The notes as the credit-note service computes them, one after the other."""
    invoice = document.totals()
    discount = money.proportional_discount(invoice.subtotal, invoice.discount)
    adjustments = money.proportional_adjustments(
        document.items, invoice.adjustments, document.currency
    )
    left = [line.quantity for line in document.items]
    notes = []
    for take in plan:
        after = [quantity - part for quantity, part in zip(left, take, strict=True)]
        notes.append(
            money.credit_note_totals(
                with_quantities(document.items, left),
                with_quantities(document.items, after),
                with_quantities(document.items, take),
                document.currency,
                prices_include_tax=document.inclusive,
                discount=discount,
                adjustments=adjustments,
            )
        )
        left = after
    return notes


def by_tax(totals: money.Totals, field: str) -> dict[tuple[str, Decimal], Decimal]:
    return {(row.name, row.rate): getattr(row, field) for row in totals.taxes}


def summed(notes: list[money.Totals], field: str) -> dict[tuple[str, Decimal], Decimal]:
    sums: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for note in notes:
        for key, value in by_tax(note, field).items():
            sums[key] += value
    return {key: value for key, value in sums.items() if value}


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_each_note_taxes_its_own_base_and_the_notes_add_up_to_the_invoice_bases(
    data: st.DataObject,
) -> None:
    document = data.draw(documents(adjusted=True))
    plan = data.draw(credit_plans(document))
    invoice = document.totals()
    notes = issue_notes(document, plan)
    unit = money.quantum(document.currency)
    for note in notes:
        assert note.total == note.net_total + note.tax_total
        assert note.tax_total == sum((row.tax for row in note.taxes), Decimal(0))
        if not document.inclusive:
            for row in note.taxes:
                own = money.round_to_minor_unit(row.base * row.rate / 100, document.currency)
                assert row.tax == own, row
    assert sum((note.discount for note in notes), Decimal(0)) == invoice.discount
    if document.inclusive:  # the gross amounts add up exactly; net and tax are each note's own
        assert sum((note.total for note in notes), Decimal(0)) == invoice.total
    else:  # the bases add up exactly; each note rounds its own tax, a unit per extra note at most
        invoice_bases = {key: value for key, value in by_tax(invoice, "base").items() if value}
        assert summed(notes, "base") == invoice_bases
        assert sum((note.net_total for note in notes), Decimal(0)) == invoice.net_total
        credited = summed(notes, "tax")
        for key, tax in by_tax(invoice, "tax").items():
            assert abs(credited.get(key, Decimal(0)) - tax) <= (len(notes) - 1) * unit


@settings(max_examples=EXAMPLES, deadline=None)
@given(document=documents(adjusted=True))
def test_one_note_for_the_whole_invoice_reproduces_it(document: Document) -> None:
    invoice = document.totals()
    (note,) = issue_notes(document, [[line.quantity for line in document.items]])
    assert note.taxes == tuple(row for row in invoice.taxes if row.base or row.tax)
    assert (note.net_total, note.tax_total, note.total, note.discount) == (
        invoice.net_total,
        invoice.tax_total,
        invoice.total,
        invoice.discount,
    )
    # every allowance and charge of the invoice, as it was (the note leaves out those of 0)
    assert note.adjustments == tuple(a for a in invoice.adjustments if a.amount)
    assert (note.allowance_total, note.charge_total) == (
        invoice.allowance_total,
        invoice.charge_total,
    )


Share = tuple[int, tuple[money.Tax, ...]]  # (which of the invoice's allowances/charges, tax set)


def nonzero(amounts: dict[Share, Decimal]) -> dict[Share, Decimal]:
    return {key: amount for key, amount in amounts.items() if amount}


@settings(max_examples=EXAMPLES, deadline=None)
@given(data=st.data())
def test_partial_credits_share_out_the_allowances_and_charges_and_add_up_to_the_invoice(
    data: st.DataObject,
) -> None:
    document = data.draw(documents(adjusted=True))
    plan = data.draw(credit_plans(document))
    invoice = document.totals()
    notes = issue_notes(document, plan)
    unit = money.quantum(document.currency)
    credited: dict[Share, Decimal] = defaultdict(Decimal)
    for note in notes:
        if not document.inclusive:  # BT-106 - BT-107 + BT-108 = BT-109 (BR-CO-13)
            money.document_totals(note)
        for adjustment in note.adjustments:
            if adjustment.origin is None:  # the note's line rounding
                continue
            assert adjustment.charge == invoice.adjustments[adjustment.origin].charge
            assert adjustment.amount == sum((share for _, share in adjustment.shares), Decimal(0))
            for taxes, amount in adjustment.shares:
                credited[adjustment.origin, taxes] += amount
    assert nonzero(credited) == nonzero(
        {
            (index, taxes): amount
            for index, adjustment in enumerate(invoice.adjustments)
            for taxes, amount in adjustment.shares
        }
    )
    total = sum((note.total for note in notes), Decimal(0))
    if document.inclusive:  # the gross adds up; each note splits its own into net and tax
        assert total == invoice.total
    else:  # the net adds up; each note rounds its own tax (BR-CO-17), a unit per rate per note
        assert sum((note.net_total for note in notes), Decimal(0)) == invoice.net_total
        assert abs(total - invoice.total) <= (len(notes) - 1) * len(invoice.taxes) * unit


rates = st.decimals(min_value=Decimal("0.000001"), max_value=Decimal("500"), places=6)


@settings(max_examples=EXAMPLES, deadline=None)
@given(document=documents(), rate=rates, base=st.sampled_from(["EUR", "JPY", "BHD"]))
def test_in_the_base_currency_each_tax_row_is_converted_and_the_parts_add_up(
    document: Document, rate: Decimal, base: str
) -> None:
    totals = document.totals()
    converted = money.in_base_currency(totals, rate, base)
    assert converted.net_total == money.convert(totals.net_total, rate, base)
    assert [row.tax for row in converted.taxes] == [
        money.convert(row.tax, rate, base) for row in totals.taxes
    ]
    assert converted.tax_total == sum((row.tax for row in converted.taxes), Decimal(0))
    assert converted.total == converted.net_total + converted.tax_total
    assert money.fits_minor_unit(converted.total, base)
    same = money.in_base_currency(totals, Decimal(1), document.currency)
    assert (same.net_total, same.tax_total, same.total) == (
        totals.net_total,
        totals.tax_total,
        totals.total,
    )
