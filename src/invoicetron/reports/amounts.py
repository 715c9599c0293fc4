"""Amounts in the business's base currency, computed by PostgreSQL.

Each document amount is converted on its own with the exchange rate its invoice recorded at issue
(units of the base currency per unit of the invoice currency), rounded half away from zero to the
base currency's minor unit (PostgreSQL's `round(numeric, n)`, the same rule as
`money.round_to_minor_unit`), and only then summed. So a report total is exactly the sum of the
converted documents. Drafts have no rate and never count.

A document's net, tax and total are converted as `money.in_base_currency` does (money rule 9):
the net total once, each tax row of its frozen breakdown on its own, total = net + tax. The
expressions here are that rule in SQL; tests/reports/test_reconciliation.py holds them to it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, Expression, F, Func, Q, Sum, Value, When
from django.db.models.functions import Coalesce, Round

from invoicetron.billing.models import BusinessProfile
from invoicetron.billing.money import minor_unit

AMOUNT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=30, decimal_places=4)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Base:
    """The base currency and its minor unit, read once per page."""

    currency: str
    places: int

    @classmethod
    def of(cls, profile: BusinessProfile) -> Base:
        return cls(profile.base_currency, minor_unit(profile.base_currency))

    def convert(self, amount: str | Expression, rate: str = "exchange_rate") -> Round:
        """round(amount x rate) as a SQL expression; `rate` names the invoice's rate column."""
        value = F(amount) if isinstance(amount, str) else amount
        product = value * F(rate)
        return Round(product, self.places, output_field=AMOUNT)

    def total(
        self, amount: str | Expression, rate: str = "exchange_rate", filter_q: Q | None = None
    ) -> Coalesce:
        """Σ of converted amounts (0 when there are none), optionally of rows matching filter_q."""
        return self.sum(self.convert(amount, rate), filter_q)

    def sum(self, converted: Expression, filter_q: Q | None = None) -> Coalesce:
        """Σ of amounts already in the base currency (0 when there are none)."""
        return Coalesce(Sum(converted, filter=filter_q), Value(ZERO), output_field=AMOUNT)

    def tax(self, rate: str = "exchange_rate") -> Case:
        """A document's tax in the base currency: Σ round(row tax x rate) over its tax rows.

        For a document in the base currency at the rate 1 that sum is its tax total: read as
        such, without unnesting its breakdown (most documents; the dashboard's time halves).
        """
        return Case(
            When(Q(currency=self.currency) & Q(**{rate: 1}), then=F("tax_total")),
            default=ConvertedTax(F("snapshot"), F(rate), places=self.places),
            output_field=AMOUNT,
        )

    def document_total(self, rate: str = "exchange_rate") -> Expression:
        """A document's total in the base currency: its converted net plus its converted tax."""
        return self.convert("net_total", rate) + self.tax(rate)

    def quantize(self, amount: Decimal | None) -> Decimal:
        return (amount or ZERO).quantize(Decimal(1).scaleb(-self.places))


@dataclass(frozen=True)
class DateRange:
    """An inclusive range of dates; an open end means no limit on that side."""

    start: datetime.date | None = None
    end: datetime.date | None = None

    def q(self, field: str) -> Q:
        condition = Q()
        if self.start is not None:
            condition &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            condition &= Q(**{f"{field}__lte": self.end})
        return condition

    def label(self) -> str:
        start = self.start.isoformat() if self.start else "the beginning"
        end = self.end.isoformat() if self.end else "today"
        return f"{start} to {end}"


# The rows of a frozen snapshot's tax breakdown (name, rate, base, tax), each converted on its own.
_CONVERTED_TAX_SQL = (
    "(SELECT COALESCE(SUM(ROUND((t.row->>'tax')::numeric * {rate}, %s)), 0)"
    " FROM jsonb_array_elements({snapshot}->'totals'->'taxes') AS t(row))"
)


class ConvertedTax(Func):
    """Σ round(tax x rate, places) over the rows of a frozen snapshot's tax breakdown."""

    output_field = AMOUNT

    def __init__(self, snapshot: Expression | F, rate: Expression | F, *, places: int) -> None:
        super().__init__(snapshot, rate)
        self.places = int(places)

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, list[Any]]:
        snapshot_sql, snapshot_params = compiler.compile(self.source_expressions[0])
        rate_sql, rate_params = compiler.compile(self.source_expressions[1])
        sql = _CONVERTED_TAX_SQL.format(rate=rate_sql, snapshot=snapshot_sql)
        return sql, [*rate_params, self.places, *snapshot_params]
