"""Request bodies the API tests of this directory send."""

from __future__ import annotations

from typing import Any


def draft_body(client_id: int, tax_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "lines": [
            {
                "description": "Design work",
                "quantity": "3",
                "unit": "hour",
                "unit_price": "80",
                "tax_ids": [tax_id],
            },
            {
                "description": "Font licence",
                "quantity": "1",
                "unit_price": "120.00",
                "tax_ids": [tax_id],
            },
        ],
        **extra,
    }
