"""Hypothesis strategies for the money property tests: lines, discounts and whole documents."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from hypothesis import strategies as st

from invoicetron.billing import money
from invoicetron.billing.money import Adjustment, Discount, DiscountKind, Line, Tax

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
    adjustments: tuple[Adjustment, ...] = ()  # document allowances and charges (rule 11)

    def totals(self, items: list[Line] | None = None) -> money.Totals:
        return money.compute_totals(
            self.items if items is None else items,
            self.currency,
            prices_include_tax=self.inclusive,
            discount=self.discount,
            adjustments=self.adjustments,
        )


@st.composite
def document_adjustments(
    draw: st.DrawFn, items: list[Line], currency: str
) -> tuple[Adjustment, ...]:
    """0-4 document allowances and charges: spread, of a tax set the lines have, or (charges only)
    of a set of their own; percents, or amounts of up to a fifth of what they apply to."""
    sums: dict[tuple[Tax, ...], Decimal] = {}
    for line in items:
        key = money.tax_set(line.taxes)
        sums[key] = sums.get(key, Decimal(0)) + money.line_amount(line, currency).amount
    subtotal = sum(sums.values(), Decimal(0))
    chosen = []
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        charge = draw(st.booleans())
        scopes: list[tuple[Tax, ...] | None] = [key for key, amount in sums.items() if amount]
        scopes += [None] if subtotal else []
        scopes += [(tax,) for tax in TAXES] if charge else []
        if not scopes:
            continue
        taxes = draw(st.sampled_from(scopes))
        if draw(st.booleans()):
            kind, value = DiscountKind.PERCENT, draw(st.decimals(0, 20, places=2))
        else:
            base = subtotal if taxes is None else sums.get(taxes, subtotal)
            share = draw(st.decimals(min_value=0, max_value=Decimal("0.2"), places=2))
            kind, value = DiscountKind.AMOUNT, money.round_to_minor_unit(base * share, currency)
        chosen.append(Adjustment(charge, kind, value, taxes=taxes))
    return tuple(chosen)


@st.composite
def documents(draw: st.DrawFn, *, adjusted: bool = False) -> Document:
    """Any invoice: 1-8 lines, prices with or without tax, with or without a document discount
    (and, when `adjusted`, document allowances and charges)."""
    currency = draw(CURRENCIES)
    items = draw(st.lists(lines(), min_size=1, max_size=8))
    subtotal = money.compute_totals(items, currency).subtotal
    discount = draw(document_discounts(currency, subtotal))
    adjustments = draw(document_adjustments(items, currency)) if adjusted else ()
    return Document(currency, items, draw(st.booleans()), discount, adjustments)
