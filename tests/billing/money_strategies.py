"""Hypothesis strategies for the money property tests: lines, discounts and whole documents."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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
