"""The money engine reproduces the EN 16931 / Peppol BIS Billing 3.0 worked examples to the cent.

Inputs and expected figures are copied from OpenPEPPOL/peppol-bis-invoice-3, rules/examples/
(file named per case): line quantities, net prices, base quantities, allowances and charges in,
line nets (BT-131), document totals (BT-106..BT-115) and VAT breakdown (BT-116/BT-117) out.
VAT categories are taxes named after their code (S, E, Z, O) so that E 0 % and Z 0 % stay apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from invoicetron.billing import money
from invoicetron.billing.money import Adjustment, DiscountKind, Line, MoneyError, Tax

D = Decimal
S25 = Tax("S", D(25))
S15 = Tax("S", D(15))
E0 = Tax("E", D(0))
Z0 = Tax("Z", D(0))
O0 = Tax("O", D(0))


def allowance(value: str, *, base: str | None = None, taxes: tuple[Tax, ...] | None = None):
    """An amount allowance, or a percent one when `base` is given (BT-94/BT-138 with its base)."""
    kind = DiscountKind.PERCENT if base is not None else DiscountKind.AMOUNT
    return Adjustment(False, kind, D(value), None if base is None else D(base), taxes)


def charge(value: str, *, base: str | None = None, taxes: tuple[Tax, ...] | None = None):
    kind = DiscountKind.PERCENT if base is not None else DiscountKind.AMOUNT
    return Adjustment(True, kind, D(value), None if base is None else D(base), taxes)


@dataclass(frozen=True)
class Example:
    file: str
    currency: str
    lines: tuple[Line, ...]
    line_nets: tuple[str, ...]  # BT-131
    totals: tuple[str, ...]  # BT-106, 107, 108, 109, 110, 112, 113, 114, 115
    vat: tuple[tuple[Tax, str, str], ...]  # category, BT-116, BT-117
    adjustments: tuple[Adjustment, ...] = ()
    paid: str = "0"


EXAMPLES = [
    # Allowance-example.xml: line charges (1 % of 100) and allowances (101), a price per 2 units
    # (BT-149), a 20 % document charge of a given base (1000) and a document allowance, both S 25 %.
    Example(
        "Allowance-example.xml",
        "EUR",
        (
            Line(D(10), D(410), (S25,), adjustments=(charge("1", base="100"), allowance("101"))),
            Line(D(10), D(200), (E0,), base_quantity=D(2)),
            Line(D(10), D(100), (S25,), adjustments=(charge("1", base="100"), allowance("101"))),
        ),
        ("4000", "1000", "900"),
        ("5900", "200", "200", "5900", "1225", "7125", "1000", "0", "6125"),
        ((E0, "1000", "0"), (S25, "4900", "1225")),
        adjustments=(charge("20", base="1000", taxes=(S25,)), allowance("200", taxes=(S25,))),
        paid="1000",
    ),
    # Vat-category-S.xml: two standard rates; a document charge and allowance on S 25 % only.
    Example(
        "Vat-category-S.xml",
        "EUR",
        (Line(D(10), D(400), (S25,)), Line(D(10), D(200), (S15,)), Line(D(10), D(90), (S25,))),
        ("4000", "2000", "900"),
        ("6900", "100", "200", "7000", "1550", "8550", "0", "0", "8550"),
        ((S15, "2000", "300"), (S25, "5000", "1250")),
        adjustments=(charge("200", taxes=(S25,)), allowance("100", taxes=(S25,))),
    ),
    # base-example.xml: a negative line and a document charge of 25 on S 25 %;
    # base-creditnote-correction.xml (a credit note, 381) and sales-order-example.xml: the same.
    *(
        Example(
            file,
            "EUR",
            (Line(D(7), D(400), (S25,)), Line(D(-3), D(500), (S25,))),
            ("2800", "-1500"),
            ("1300", "0", "25", "1325", "331.25", "1656.25", "0", "0", "1656.25"),
            ((S25, "1325", "331.25"),),
            adjustments=(charge("25", taxes=(S25,)),),
        )
        for file in (
            "base-example.xml",
            "base-creditnote-correction.xml",
            "sales-order-example.xml",
        )
    ),
    # base-negative-inv-correction.xml: every figure negative, the charge too (-25).
    Example(
        "base-negative-inv-correction.xml",
        "EUR",
        (Line(D(-7), D(400), (S25,)), Line(D(3), D(500), (S25,))),
        ("-2800", "1500"),
        ("-1300", "0", "-25", "-1325", "-331.25", "-1656.25", "0", "0", "-1656.25"),
        ((S25, "-1325", "-331.25"),),
        adjustments=(charge("-25", taxes=(S25,)),),
    ),
    # vat-category-E.xml: exempt (E 0 %), in GBP.
    Example(
        "vat-category-E.xml",
        "GBP",
        (Line(D(10), D("120.00"), (E0,)),),
        ("1200",),
        ("1200", "0", "0", "1200", "0", "1200", "0", "0", "1200"),
        ((E0, "1200", "0"),),
    ),
    # vat-category-Z.xml: zero rated (Z 0 %), in GBP.
    Example(
        "vat-category-Z.xml",
        "GBP",
        (Line(D(10), D("120.00"), (Z0,)),),
        ("1200",),
        ("1200", "0", "0", "1200", "0", "1200", "0", "0", "1200"),
        ((Z0, "1200", "0"),),
    ),
    # vat-category-O.xml: outside the scope of VAT (O, no rate), in SEK.
    Example(
        "vat-category-O.xml",
        "SEK",
        (Line(D(1), D("3200.00"), (O0,)),),
        ("3200",),
        ("3200", "0", "0", "3200", "0", "3200", "0", "0", "3200"),
        ((O0, "3200", "0"),),
    ),
]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.file)
def test_the_engine_reproduces_the_peppol_example(example: Example) -> None:
    totals = money.compute_totals(example.lines, example.currency, adjustments=example.adjustments)
    figures = money.document_totals(totals, paid=D(example.paid))

    assert [line.amount for line in totals.lines] == [D(x) for x in example.line_nets]
    assert (
        figures.line_net_total,
        figures.allowance_total,
        figures.charge_total,
        figures.total_without_vat,
        figures.vat_total,
        figures.total_with_vat,
        figures.paid,
        figures.rounding,
        figures.amount_due,
    ) == tuple(D(x) for x in example.totals)
    assert [(Tax(row.name, row.rate), row.base, row.tax) for row in totals.taxes] == [
        (tax, D(base), D(tax_amount)) for tax, base, tax_amount in example.vat
    ]
    # Every amount carries the currency's minor digits, as the XML writes it.
    assert figures.amount_due.as_tuple().exponent == -money.minor_unit(example.currency)


def test_line_allowances_and_charges_are_reported_one_by_one() -> None:
    line = Line(D(10), D(410), (S25,), adjustments=(charge("1", base="100"), allowance("101")))
    figures = money.line_amount(line, "EUR")
    assert (figures.undiscounted, figures.allowances, figures.charges, figures.amount) == (
        D("4100.00"),
        (D("101.00"),),
        (D("1.00"),),
        D("4000.00"),
    )


def test_a_percent_line_allowance_without_base_is_taken_of_the_unrounded_gross() -> None:
    # 3 x 3.335 = 10.005; 10 % of it is 1.0005 → 1.00; the gross rounds to 10.01.
    percent = Adjustment(False, DiscountKind.PERCENT, D(10))
    line = Line(D(3), D("3.335"), (S25,), adjustments=(percent,))
    assert money.line_amount(line, "EUR").amount == D("9.01")


def test_a_price_per_twelve_units_is_divided_before_rounding_once() -> None:
    # 5 units at 10.00 per 12: 4.1666… → 4.17 (not 5 x round(10/12) = 4.15).
    line = Line(D(5), D("10.00"), (S25,), base_quantity=D(12))
    assert money.line_amount(line, "EUR").amount == D("4.17")


def test_unit_prices_with_six_decimals_are_computed_exactly() -> None:
    # 1000 kWh at 0.123456: 123.456 → 123.46; at four decimals (0.1235) it would be 123.50.
    line = Line(D(1000), D("0.123456"), (S25,))
    assert money.line_amount(line, "EUR").amount == D("123.46")
    assert money.UNIT_PRICE_PLACES == 6


def test_a_price_base_quantity_must_be_positive() -> None:
    with pytest.raises(MoneyError, match="base quantity"):
        money.line_amount(Line(D(1), D(1), base_quantity=D(0)), "EUR")


def test_a_spread_document_allowance_splits_like_the_document_discount() -> None:
    lines = [Line(D(1), D("100.00"), (S25,)), Line(D(1), D("50.00"), (S15,))]
    legacy = money.compute_totals(
        lines, "EUR", discount=money.Discount(DiscountKind.AMOUNT, D("10.00"))
    )
    spread = money.compute_totals(lines, "EUR", adjustments=(allowance("10.00"),))
    assert spread.taxes == legacy.taxes
    assert (spread.net_total, spread.total) == (legacy.net_total, legacy.total)
    assert spread.adjustments[0].shares == (((S15,), D("3.33")), ((S25,), D("6.67")))
    assert money.document_totals(spread) == money.document_totals(legacy)


def test_a_document_charge_may_open_a_vat_category_no_line_has() -> None:
    totals = money.compute_totals(
        [Line(D(1), D("100.00"), (E0,))], "EUR", adjustments=(charge("10.00", taxes=(S25,)),)
    )
    assert [(row.name, row.base, row.tax) for row in totals.taxes] == [
        ("E", D("100.00"), D("0.00")),
        ("S", D("10.00"), D("2.50")),
    ]
    assert (totals.charge_total, totals.total) == (D("10.00"), D("112.50"))


def test_a_percent_document_allowance_of_a_category_is_taken_of_that_category() -> None:
    lines = [Line(D(1), D("100.00"), (S25,)), Line(D(1), D("50.00"), (S15,))]
    totals = money.compute_totals(
        lines, "EUR", adjustments=(Adjustment(False, DiscountKind.PERCENT, D(10), taxes=(S15,)),)
    )
    assert totals.allowance_total == D("5.00")
    assert [(row.rate, row.base) for row in totals.taxes] == [
        (D(15), D("45.00")),
        (D(25), D("100.00")),
    ]


def test_the_amount_due_takes_the_paid_amount_and_the_rounding() -> None:
    totals = money.compute_totals([Line(D(1), D("10.03"), (S25,))], "CHF")
    figures = money.document_totals(totals, paid=D("5.00"), rounding=D("-0.04"))
    assert (figures.total_with_vat, figures.amount_due) == (D("12.54"), D("7.50"))


def test_amounts_that_do_not_fit_the_currency_are_refused() -> None:
    with pytest.raises(MoneyError, match="decimals"):
        money.compute_totals([Line(D(1), D(1))], "JPY", adjustments=(charge("0.5"),))
    totals = money.compute_totals([Line(D(1), D(1))], "EUR")
    with pytest.raises(MoneyError, match="rounding amount"):
        money.document_totals(totals, rounding=D("0.001"))


def test_inclusive_prices_have_no_en16931_totals() -> None:
    totals = money.compute_totals([Line(D(1), D("1.19"), (S25,))], "EUR", prices_include_tax=True)
    with pytest.raises(MoneyError, match="include tax"):
        money.document_totals(totals)


@pytest.mark.parametrize("example", EXAMPLES[:2], ids=lambda example: example.file)
def test_snapshots_keep_allowances_and_charges(example: Example) -> None:
    totals = money.compute_totals(example.lines, example.currency, adjustments=example.adjustments)
    assert money.totals_from_json(money.totals_to_json(totals)) == totals


def test_old_snapshots_read_without_the_new_fields() -> None:
    totals = money.compute_totals([Line(D(2), D("10.00"), (S25,))], "EUR")
    data = money.totals_to_json(totals)
    assert "adjustments" not in data and "allowances" not in data["lines"][0]
    restored = money.totals_from_json(data)
    assert restored == totals
    assert money.document_totals(restored).amount_due == D("25.00")


@pytest.mark.parametrize(
    ("price", "allowance_total", "charge_total"),
    [("0.1975", "0.01", "0.00"), ("0.0017", "0.00", "0.01"), ("0.3335", "0.00", "0.00")],
)
def test_a_partial_credit_note_shows_its_line_rounding_so_its_totals_add_up(
    price: str, allowance_total: str, charge_total: str
) -> None:
    # Rule 8 telescopes the invoice's amounts; 2 of 3 units rounded on their own can miss that
    # by a cent (0.1975: 3 units 0.59, 1 unit 0.20, so the note's share is 0.39; its line 0.40;
    # 0.0017: 0.01 - 0.00, its line 0.00).
    def lines(quantity: int) -> list[Line]:
        return [Line(D(quantity), D(price), (S25,))]

    note = money.credit_note_totals(lines(3), lines(1), lines(2), "EUR")
    figures = money.document_totals(note)
    invoice = money.compute_totals(lines(3), "EUR")
    rest = money.compute_totals(lines(1), "EUR")
    assert note.net_total == invoice.net_total - rest.net_total
    assert (figures.allowance_total, figures.charge_total) == (D(allowance_total), D(charge_total))
    assert figures.line_net_total == money.line_amount(lines(2)[0], "EUR").amount
    assert (
        figures.line_net_total - figures.allowance_total + figures.charge_total
        == figures.total_without_vat
    )
    assert [share for adjustment in note.adjustments for share in adjustment.shares] == [
        ((S25,), adjustment.amount) for adjustment in note.adjustments
    ]
