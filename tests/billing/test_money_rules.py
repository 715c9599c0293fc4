"""The money rules on worked examples (EN 16931 arithmetic, half-up)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicetron.billing import money
from invoicetron.billing.money import Discount, DiscountKind, Line, MoneyError, Tax

VAT = Tax("VAT", Decimal("20"))
GST = Tax("GST", Decimal("5"))
QST = Tax("QST", Decimal("9.975"))


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("0.125", "EUR", "0.13"),
        ("-0.125", "EUR", "-0.13"),  # half-up is away from zero: a credit mirrors its debit
        ("0.124", "EUR", "0.12"),
        ("2.5", "JPY", "3"),
        ("1.0005", "BHD", "1.001"),
        ("10", "KWD", "10.000"),
    ],
)
def test_rounding_is_half_up_to_the_minor_unit(amount: str, currency: str, rounded: str) -> None:
    result = money.round_to_minor_unit(Decimal(amount), currency)
    assert str(result) == rounded


def test_minor_units_come_from_the_currency_table() -> None:
    assert [money.minor_unit(code) for code in ("JPY", "EUR", "BHD", "CLF")] == [0, 2, 3, 4]


def test_an_unknown_currency_is_refused() -> None:
    with pytest.raises(MoneyError, match="ISO 4217"):
        money.compute_totals([], "XYZ")


def test_each_line_is_rounded_then_tax_is_computed_once_per_rate() -> None:
    # Three lines of 0.333 each: nets round to 0.33, tax is 20 % of 0.99 (not 3 x 0.07).
    lines = [Line(Decimal(1), Decimal("0.333"), (VAT,))] * 3
    totals = money.compute_totals(lines, "EUR")
    assert totals.net_total == Decimal("0.99")
    assert totals.taxes[0].tax == Decimal("0.20")
    assert totals.total == Decimal("1.19")


def test_several_taxes_on_a_line_each_apply_to_its_net() -> None:
    totals = money.compute_totals([Line(Decimal(1), Decimal("100"), (GST, QST))], "CAD")
    assert [(row.name, row.tax) for row in totals.taxes] == [
        ("GST", Decimal("5.00")),
        ("QST", Decimal("9.98")),
    ]
    assert totals.total == Decimal("114.98")


def test_inclusive_prices_take_net_from_gross_then_tax_as_the_difference() -> None:
    totals = money.compute_totals(
        [Line(Decimal(1), Decimal("10.00"), (VAT,))], "EUR", prices_include_tax=True
    )
    assert (totals.net_total, totals.tax_total, totals.total) == (
        Decimal("8.33"),
        Decimal("1.67"),
        Decimal("10.00"),
    )


def test_inclusive_prices_with_two_taxes_keep_the_gross_exact() -> None:
    totals = money.compute_totals(
        [Line(Decimal(1), Decimal("114.98"), (GST, QST))], "CAD", prices_include_tax=True
    )
    assert totals.net_total == Decimal("100.00")
    assert [row.tax for row in totals.taxes] == [Decimal("5.00"), Decimal("9.98")]
    assert totals.total == Decimal("114.98")


def test_the_document_discount_is_spread_over_the_tax_groups() -> None:
    reduced = Tax("VAT", Decimal("5.5"))
    lines = [Line(Decimal(1), Decimal("300"), (VAT,)), Line(Decimal(1), Decimal("100"), (reduced,))]
    totals = money.compute_totals(lines, "EUR", discount=Discount(DiscountKind.AMOUNT, Decimal(40)))
    assert [(row.rate, row.base) for row in totals.taxes] == [
        (Decimal("5.5"), Decimal("90.00")),
        (Decimal("20"), Decimal("270.00")),
    ]
    assert totals.net_total == Decimal("360.00")
    assert totals.total == Decimal("360.00") + Decimal("4.95") + Decimal("54.00")


def test_line_discounts_are_percent_or_amount() -> None:
    percent = Line(
        Decimal(3), Decimal("19.99"), discount=Discount(DiscountKind.PERCENT, Decimal(10))
    )
    amount = Line(Decimal(3), Decimal("19.99"), discount=Discount(DiscountKind.AMOUNT, Decimal(5)))
    assert money.line_amount(percent, "EUR").amount == Decimal("53.97")  # 59.97 - 5.997
    assert money.line_amount(amount, "EUR").amount == Decimal("54.97")


def test_a_discount_larger_than_the_lines_is_refused() -> None:
    with pytest.raises(MoneyError, match="larger than"):
        money.compute_totals(
            [Line(Decimal(1), Decimal(10))],
            "EUR",
            discount=Discount(DiscountKind.AMOUNT, Decimal(11)),
        )


def test_totals_survive_a_json_round_trip() -> None:
    totals = money.compute_totals([Line(Decimal(2), Decimal("9.995"), (VAT, GST))], "EUR")
    assert money.totals_from_json(money.totals_to_json(totals)) == totals


def test_amounts_are_formatted_with_the_currency_digits() -> None:
    assert money.format_amount(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
    assert money.format_amount(Decimal("1234"), "JPY") == "1,234 JPY"
    assert money.format_amount(Decimal("1.5"), "BHD", with_code=False) == "1.500"
