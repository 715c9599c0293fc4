"""Property tests of the money rules: whatever the lines, the figures hold together."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicetron.billing import money
from invoicetron.billing.money import Line, Tax
from tests.billing.money_strategies import CURRENCIES, Document, documents, lines


def every_amount(totals: money.Totals) -> list[Decimal]:
    amounts = [totals.subtotal, totals.discount, totals.net_total, totals.tax_total, totals.total]
    amounts += [figures.amount for figures in totals.lines]
    return amounts + [row.base for row in totals.taxes] + [row.tax for row in totals.taxes]


@settings(max_examples=150, deadline=None)
@given(document=documents(), data=st.data())
def test_line_order_does_not_change_totals(document: Document, data: st.DataObject) -> None:
    first = document.totals()
    second = document.totals(data.draw(st.permutations(document.items)))
    assert (first.total, first.net_total, first.tax_total, first.discount) == (
        second.total,
        second.net_total,
        second.tax_total,
        second.discount,
    )
    assert first.taxes == second.taxes


@settings(max_examples=150, deadline=None)
@given(document=documents())
def test_tax_breakdown_plus_nets_equals_the_total(document: Document) -> None:
    totals = document.totals()
    assert totals.net_total + sum(row.tax for row in totals.taxes) == totals.total
    assert totals.tax_total == sum(row.tax for row in totals.taxes)
    assert totals.subtotal == sum(figures.amount for figures in totals.lines)
    if document.inclusive:  # the customer pays exactly the prices shown, less the discount
        assert totals.total == totals.subtotal - totals.discount
    else:
        assert totals.net_total == totals.subtotal - totals.discount


@settings(max_examples=150, deadline=None)
@given(currency=CURRENCIES, items=st.lists(lines(max_taxes=1), min_size=1, max_size=8))
def test_inclusive_and_exclusive_entry_of_the_same_prices_agree_to_the_cent(
    currency: str, items: list[Line]
) -> None:
    exclusive = money.compute_totals(items, currency)
    # The same sale entered with tax-inclusive prices: per tax, the gross the client pays.
    gross_lines = [
        Line(Decimal(1), row.base + row.tax, (Tax(row.name, row.rate),)) for row in exclusive.taxes
    ]
    untaxed = exclusive.net_total - sum(row.base for row in exclusive.taxes)
    if untaxed:
        gross_lines.append(Line(Decimal(1), untaxed))
    inclusive = money.compute_totals(gross_lines, currency, prices_include_tax=True)
    assert inclusive.total == exclusive.total
    assert inclusive.net_total == exclusive.net_total
    assert inclusive.taxes == exclusive.taxes


@settings(max_examples=150, deadline=None)
@given(document=documents())
def test_every_amount_respects_the_currency_minor_unit(document: Document) -> None:
    totals = document.totals()
    exponent = money.quantum(document.currency).as_tuple().exponent
    for amount in every_amount(totals):
        assert money.fits_minor_unit(amount, document.currency)
        assert amount.as_tuple().exponent == exponent  # JPY 0, EUR 2, BHD 3 digits exactly


@settings(max_examples=200, deadline=None)
@given(
    currency=CURRENCIES,
    units=st.integers(min_value=0, max_value=10**7),
    weights=st.lists(st.integers(min_value=1, max_value=10**8), min_size=1, max_size=6),
)
def test_a_discount_split_over_tax_groups_adds_up_exactly(
    currency: str, units: int, weights: list[int]
) -> None:
    unit = money.quantum(currency)
    total = Decimal(units) * unit
    shares = money.allocate(total, [Decimal(w) * unit for w in weights], currency)
    assert sum(shares) == total
    assert all(share >= 0 for share in shares)
