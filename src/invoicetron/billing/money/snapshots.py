"""A document's totals as JSON (amounts as strings), the form issued documents keep them in.

Keys added since the first snapshots (line allowances and charges, document allowances and
charges) are written only when a document has them and read with defaults, so snapshots written
before them read back as they were and documents without them snapshot exactly as before.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from invoicetron.billing.money.core import (
    AdjustmentAmount,
    Deduction,
    LineAmount,
    Tax,
    TaxAmount,
    Totals,
)
from invoicetron.billing.money.currency import MoneyError


def totals_to_json(totals: Totals) -> dict[str, Any]:
    data: dict[str, Any] = {
        "currency": totals.currency,
        "prices_include_tax": totals.prices_include_tax,
        "lines": [_line_to_json(x) for x in totals.lines],
        "subtotal": str(totals.subtotal),
        "discount": str(totals.discount),
        "taxes": [_row_to_json(row) for row in totals.taxes],
        "net_total": str(totals.net_total),
        "tax_total": str(totals.tax_total),
        "total": str(totals.total),
    }
    if totals.adjustments:
        data["adjustments"] = [
            {
                "charge": adjustment.charge,
                "amount": str(adjustment.amount),
                "shares": [
                    {"taxes": [_tax_to_json(tax) for tax in taxes], "amount": str(share)}
                    for taxes, share in adjustment.shares
                ],
            }
            for adjustment in totals.adjustments
        ]
        data["allowance_total"] = str(totals.allowance_total)
        data["charge_total"] = str(totals.charge_total)
    if totals.deductions:
        data["deductions"] = [
            {"net_total": str(d.net_total), "taxes": [_row_to_json(row) for row in d.taxes]}
            for d in totals.deductions
        ]
    return data


def _row_to_json(row: TaxAmount) -> dict[str, str]:
    return {"name": row.name, "rate": str(row.rate), "base": str(row.base), "tax": str(row.tax)}


def _row_from_json(row: Mapping[str, Any]) -> TaxAmount:
    return TaxAmount(row["name"], Decimal(row["rate"]), Decimal(row["base"]), Decimal(row["tax"]))


def totals_from_json(data: Mapping[str, Any]) -> Totals:
    try:
        return Totals(
            currency=data["currency"],
            prices_include_tax=bool(data["prices_include_tax"]),
            lines=tuple(_line_from_json(x) for x in data["lines"]),
            subtotal=Decimal(data["subtotal"]),
            discount=Decimal(data["discount"]),
            taxes=tuple(_row_from_json(row) for row in data["taxes"]),
            net_total=Decimal(data["net_total"]),
            tax_total=Decimal(data["tax_total"]),
            total=Decimal(data["total"]),
            adjustments=adjustments_from_json(data),
            allowance_total=Decimal(data.get("allowance_total", "0")),
            charge_total=Decimal(data.get("charge_total", "0")),
            deductions=tuple(
                Deduction(Decimal(d["net_total"]), tuple(_row_from_json(r) for r in d["taxes"]))
                for d in data.get("deductions", ())
            ),
        )
    except (KeyError, TypeError, InvalidOperation) as error:
        raise MoneyError(_("Stored totals are unreadable: %(error)s") % {"error": error}) from error


def adjustments_from_json(data: Mapping[str, Any]) -> tuple[AdjustmentAmount, ...]:
    """The document allowances and charges of stored totals (none in snapshots from before them)."""
    try:
        return tuple(
            AdjustmentAmount(
                bool(x["charge"]),
                Decimal(x["amount"]),
                tuple(
                    (tuple(_tax_from_json(t) for t in share["taxes"]), Decimal(share["amount"]))
                    for share in x["shares"]
                ),
            )
            for x in data.get("adjustments", ())
        )
    except (KeyError, TypeError, InvalidOperation) as error:
        raise MoneyError(
            _("Stored allowances and charges are unreadable: %(error)s") % {"error": error}
        ) from error


def _line_to_json(line: LineAmount) -> dict[str, Any]:
    data: dict[str, Any] = {
        "undiscounted": str(line.undiscounted),
        "discount": str(line.discount),
        "amount": str(line.amount),
    }
    if line.allowances or line.charges:
        data["allowances"] = [str(x) for x in line.allowances]
        data["charges"] = [str(x) for x in line.charges]
    return data


def _line_from_json(data: Mapping[str, Any]) -> LineAmount:
    return LineAmount(
        Decimal(data["undiscounted"]),
        Decimal(data["discount"]),
        Decimal(data["amount"]),
        tuple(Decimal(x) for x in data.get("allowances", ())),
        tuple(Decimal(x) for x in data.get("charges", ())),
    )


def _tax_to_json(tax: Tax) -> dict[str, str]:
    return {"name": tax.name, "rate": str(tax.rate)}


def _tax_from_json(data: Mapping[str, Any]) -> Tax:
    return Tax(data["name"], Decimal(data["rate"]))
