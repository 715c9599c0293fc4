"""Property tests of the money rules: whatever the lines, the figures hold together."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from invoicetron.billing import money
from invoicetron.billing.money import Discount, DiscountKind, Line, Tax

TAXES = [
    Tax("VAT", Decimal("20")),
    Tax("VAT", Decimal("5.5")),
    Tax("GST", Decimal("5")),
    Tax("QST", Decimal("9.975")),
    Tax("Exempt", Decimal("0")),
]
CURRENCIES = st.sampled_from(["JPY", "EUR", "BHD"])
quantities = st.decimals(min_value=0, max_value=1000, places=3)
unit_prices = st.decimals(min_value=0, max_value=20000, places=4)
percents = st.decimals(min_value=0, max_value=100, places=2)


@st.composite
def lines(draw: st.DrawFn, max_taxes: int = 2) -> Line:
    quantity, price = draw(quantities), draw(unit_prices)
    taxes = draw(st.lists(st.sampled_from(TAXES), max_size=max_taxes, unique=True))
    kind = draw(st.sampled_from(["none", "percent", "amount"]))
    discount = money.NO_DISCOUNT
    if kind == "percent":
        discount = Discount(DiscountKind.PERCENT, draw(percents))
    elif kind == "amount":  # an amount up to the line's value, in whole cents
        share = draw(st.decimals(min_value=0, max_value=1, places=2))
        discount = Discount(DiscountKind.AMOUNT, (quantity * price * share).quantize(Decimal(1)))
    return Line(quantity, price, tuple(taxes), discount)


def document_discounts(currency: str, subtotal: Decimal) -> st.SearchStrategy[Discount]:
    amount = st.decimals(min_value=0, max_value=1, places=2).map(
        lambda share: Discount(
            DiscountKind.AMOUNT, money.round_to_minor_unit(subtotal * share, currency)
        )
    )
    return st.one_of(
        st.just(money.NO_DISCOUNT),
        percents.map(lambda p: Discount(DiscountKind.PERCENT, p)),
        amount,
    )


def every_amount(totals: money.Totals) -> list[Decimal]:
    amounts = [totals.subtotal, totals.discount, totals.net_total, totals.tax_total, totals.total]
    amounts += [figures.amount for figures in totals.lines]
    return amounts + [row.base for row in totals.taxes] + [row.tax for row in totals.taxes]


@dataclass(frozen=True)
class Document:
    currency: str
    items: list[Line]
    inclusive: bool
    discount: Discount

    def totals(self, items: list[Line] | None = None) -> money.Totals:
        return money.compute_totals(
            self.items if items is None else items,
            self.currency,
            prices_include_tax=self.inclusive,
            discount=self.discount,
        )


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """Any invoice: 1-8 lines, prices with or without tax, with or without a document discount."""
    currency = draw(CURRENCIES)
    items = draw(st.lists(lines(), min_size=1, max_size=8))
    subtotal = money.compute_totals(items, currency).subtotal
    return Document(
        currency, items, draw(st.booleans()), draw(document_discounts(currency, subtotal))
    )


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
