"""Building the POST data of the billing forms, as a browser would send it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from invoicetron.billing.models import Client, TaxRate


def line(
    description: str, quantity: str, unit_price: str, taxes: Sequence[TaxRate] = (), **extra: Any
) -> dict[str, Any]:
    return {
        "description": description,
        "quantity": quantity,
        "unit_price": unit_price,
        "unit": "",
        "taxes": [str(tax.pk) for tax in taxes],
        "discount_type": "percent",
        "discount_value": "0",
        **extra,
    }


def invoice_post(client: Client, lines: Sequence[dict[str, Any]], **header: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "client": str(client.pk),
        "currency": "",
        "series": "",
        "issue_date": "",
        "due_date": "",
        "discount_type": "percent",
        "discount_value": "0",
        "notes": "",
        "terms": "",
        "lines-TOTAL_FORMS": str(len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
        **header,
    }
    for index, values in enumerate(lines):
        for key, value in values.items():
            data[f"lines-{index}-{key}"] = value
    return data
