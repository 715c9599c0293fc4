"""Server-side SVG charts: geometry computed here, drawn by templates (no JavaScript).

The month chart is drawn in a small coordinate space (360 x 220) so that its text stays readable
when a phone scales it to the screen's width; desktops show it larger. Exact figures are in each
bar's <title> and in the table that accompanies every chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext

from invoicetron.billing.formatting import grouped, number_symbols, ui_date
from invoicetron.billing.language import ui_locale
from invoicetron.reports.aging import BUCKETS, AgingRow
from invoicetron.reports.dashboard import MonthFigures

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

WIDTH, HEIGHT = 360, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 6, 10, 34
TICKS = 4


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str
    sub: str = ""


@dataclass(frozen=True)
class MonthChart:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    baseline: float
    plot_left: int
    plot_right: int
    empty: bool


@dataclass(frozen=True)
class AgingBar:
    key: str
    label: StrOrPromise
    amount: Decimal
    percent: float  # of the largest bucket, for the bar's width


def nice_ceiling(value: Decimal) -> Decimal:
    """The smallest 1, 2, 2.5 or 5 x 10^n at or above `value` (an axis maximum)."""
    if value <= 0:
        return Decimal(1)
    exponent = math.floor(math.log10(value))
    for step in (1, 2, Decimal("2.5"), 5, 10):
        candidate = Decimal(step) * Decimal(10) ** exponent
        if candidate >= value:
            return candidate
    return Decimal(10) ** (exponent + 1)  # pragma: no cover - the loop always returns


def compact(amount: Decimal, decimal_sign: str = ".") -> str:
    """Axis labels: 950, 1.5k, 12k, 3.2M; 1,5k with a German `decimal_sign`."""
    return point_compact(amount).replace(".", decimal_sign)


def point_compact(amount: Decimal) -> str:
    """`compact` with a decimal point."""
    for limit, suffix in ((Decimal(10**9), "G"), (Decimal(10**6), "M"), (Decimal(10**3), "k")):
        if abs(amount) >= limit:
            scaled = amount / limit
            text = f"{scaled:.1f}" if abs(scaled) < 10 else f"{scaled:.0f}"
            return text.removesuffix(".0") + suffix
    if amount != amount.to_integral_value():  # a small axis: 0.25, 0.5, 2.5 rather than 0, 0, 2
        return f"{amount:.2f}".rstrip("0").rstrip(".")
    return f"{amount:.0f}"


def figure(amount: Decimal, locale: str) -> str:
    """A bar's amount with the digits it carries, grouped as `locale` does: 1,234.50 (en)."""
    exponent = amount.as_tuple().exponent
    return grouped(amount, -exponent if isinstance(exponent, int) and exponent < 0 else 0, locale)


def month_chart(
    months: Sequence[MonthFigures], currency: str, locale: str | None = None
) -> MonthChart:
    """The dashboard's months as bars; labels and figures written in `locale` (the UI's)."""
    locale = locale or ui_locale()
    decimal_sign = number_symbols(locale)[1]
    plot_height = HEIGHT - TOP - BOTTOM
    plot_width = WIDTH - LEFT - RIGHT
    peak = max((max(m.invoiced, m.received) for m in months), default=Decimal(0))
    top = nice_ceiling(peak)
    baseline = TOP + plot_height
    slot = plot_width / max(len(months), 1)
    bar_width = slot * 0.36

    def height_of(amount: Decimal) -> float:
        return float(max(amount, Decimal(0)) / top) * plot_height

    bars, labels = [], []
    for index, month in enumerate(months):
        left = LEFT + index * slot + slot * 0.12
        # Month names in the page's language; the figures as the table beside the chart has them.
        name = ui_date(month.month, locale, "yMMM")
        for offset, css, amount, what in (
            (0.0, "bar-invoiced", month.invoiced, gettext("%(amount)s %(currency)s invoiced")),
            (
                bar_width,
                "bar-received",
                month.received,
                gettext("%(amount)s %(currency)s received"),
            ),
        ):
            height = height_of(amount)
            bars.append(
                Bar(
                    left + offset,
                    baseline - height,
                    bar_width,
                    height,
                    css,
                    f"{name}: " + what % {"amount": figure(amount, locale), "currency": currency},
                )
            )
        sub = f"{month.month:%y}" if index == 0 or month.month.month == 1 else ""
        labels.append(
            Label(LEFT + index * slot + slot / 2, ui_date(month.month, locale, "MMM")[:3], sub)
        )
    # With nothing to draw (no figures, or only credits) an axis would read 0 to 1 of nothing:
    # the template shows an empty state instead.
    empty = peak <= 0
    ticks = (
        []
        if empty
        else [
            Tick(baseline - plot_height * step / TICKS, compact(top * step / TICKS, decimal_sign))
            for step in range(TICKS + 1)
        ]
    )
    return MonthChart(
        WIDTH,
        HEIGHT,
        bars,
        ticks,
        labels,
        baseline,
        LEFT,
        WIDTH - RIGHT,
        empty=empty,
    )


def aging_bars(row: AgingRow) -> list[AgingBar]:
    largest = max(row.buckets.values(), default=Decimal(0))
    return [
        AgingBar(
            key,
            label,
            row.buckets[key],
            round(float(row.buckets[key] / largest) * 100, 1) if largest > 0 else 0.0,
        )
        for key, label, *_ in BUCKETS
    ]
