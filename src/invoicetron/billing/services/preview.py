"""Totals of a draft still being written: what the saved document will show, computed now.

The draft forms post their fields here as the user types. The figures come from `money` through
the same line and discount checks as saving, so the preview and the saved draft agree; what
cannot be computed yet (a line still being typed, an impossible discount) is left out and named
instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from invoicetron.billing import money
from invoicetron.billing.adjustments import document_adjustments
from invoicetron.billing.lines import (
    LineData,
    checked_discount,
    money_line,
    validate_line,
)
from invoicetron.billing.models import DiscountType


@dataclass
class Preview:
    """The figures that can be computed, which lines they count, and what was left out."""

    currency: str
    totals: money.Totals | None = None
    counted: list[int] = field(default_factory=list)  # the numbers of the lines in the totals
    problems: list[str] = field(default_factory=list)


def preview_totals(
    lines: Sequence[tuple[int, LineData | str]],
    currency: str,
    *,
    prices_include_tax: bool = False,
    discount_type: str = DiscountType.PERCENT,
    discount_value: str | Decimal = "0",
    adjustments: Sequence[Mapping[str, Any]] = (),
) -> Preview:
    """The totals of `lines`: (line number, line, or why the form refused the row).

    A line that does not pass the save checks is left out and named ("Line 2: …"); an
    unusable document discount is ignored and named. `adjustments`: the document's allowances
    and charges as checked `Invoice.adjustments` entries. Never raises for bad input.
    """
    preview = Preview(currency=currency)
    counted: list[money.Line] = []
    for number, line in lines:
        if isinstance(line, str):
            preview.problems.append(
                _("Line %(number)s: %(problem)s") % {"number": number, "problem": line}
            )
            continue
        try:
            # The description does not change a figure: a line is counted while it is typed.
            checked = validate_line(_described(line), currency)
        except ValidationError as error:
            preview.problems.append(
                _("Line %(number)s: %(problem)s") % {"number": number, "problem": _first(error)}
            )
            continue
        counted.append(money_line(checked))
        preview.counted.append(number)
    discount = money.NO_DISCOUNT
    try:
        value = checked_discount(discount_type, discount_value or "0", currency)
        discount = money.Discount(money.DiscountKind(discount_type), value)
    except ValidationError as error:
        preview.problems.append(_("Document discount: %(problem)s") % {"problem": _first(error)})
    if not counted:
        return preview
    inclusive = prices_include_tax
    try:
        preview.totals = money.compute_totals(
            counted,
            currency,
            prices_include_tax=inclusive,
            discount=discount,
            adjustments=document_adjustments(adjustments, counted),
        )
    except money.MoneyError as error:
        preview.problems.append(
            _("Document discount, allowances and charges: %(problem)s") % {"problem": error}
        )
        preview.totals = money.compute_totals(counted, currency, prices_include_tax=inclusive)
    return preview


def _described(line: LineData) -> LineData:
    if (line.description or "").strip():
        return line
    return LineData(**{**vars(line), "description": "—"})


def _first(error: ValidationError) -> str:
    return error.messages[0] if error.messages else "not counted."
