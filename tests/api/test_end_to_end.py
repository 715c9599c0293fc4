"""A script with only a token runs the whole workflow against a live server (urllib only)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from tests.fixtures import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


class Script:
    """What an integrator writes: JSON over HTTP with a bearer token, nothing else."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(
        self, method: str, path: str, body: Any = None, key: str | None = None
    ) -> tuple[int, Any, str]:
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json"}
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        if key:
            headers["Idempotency-Key"] = key
        request = urllib.request.Request(
            f"{self.base}/api/v1/{path}", data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, _decode(response), response.headers["Content-Type"]
        except urllib.error.HTTPError as error:
            return error.code, _decode(error), error.headers["Content-Type"]


def _decode(response: Any) -> Any:
    content = response.read()
    is_json = "json" in response.headers.get("Content-Type", "")
    return json.loads(content) if is_json else content


def test_a_script_with_only_a_token_bills_a_client_until_paid(
    live_server: Any, owner: User
) -> None:
    factories.business()
    vat = factories.tax_rate("VAT", "20")
    script = Script(live_server.url, create_token(owner, "e2e").secret)

    status, client, _ = script.call("POST", "clients", {"name": "Globex", "currency": "EUR"})
    assert status == 201
    status, _, _ = script.call(
        "POST", "contacts", {"client_id": client["id"], "email": "ap@globex.example"}
    )
    assert status == 201

    lines = [
        {"description": "Design", "quantity": "3", "unit_price": "80", "tax_ids": [vat.pk]},
        {"description": "Licence", "quantity": "1", "unit_price": "120", "tax_ids": [vat.pk]},
    ]
    status, draft, _ = script.call("POST", "invoices", {"client_id": client["id"], "lines": lines})
    assert status == 201 and draft["total"] == "432.00"

    key = str(uuid.uuid4())
    status, issued, _ = script.call("POST", f"invoices/{draft['id']}/issue", {}, key=key)
    assert status == 200 and issued["number"]
    status, again, _ = script.call("POST", f"invoices/{draft['id']}/issue", {}, key=key)
    assert status == 200 and again["number"] == issued["number"]  # a retry, not a second issue

    status, pdf, content_type = script.call("GET", f"invoices/{draft['id']}/pdf")
    assert status == 200 and content_type == "application/pdf" and pdf.startswith(b"%PDF")

    balance = issued["balance_due"]
    for amount in ("100.00", "200.00"):
        status, payment, _ = script.call(
            "POST",
            "payments",
            {"invoice_id": draft["id"], "amount": amount},
            key=str(uuid.uuid4()),
        )
        assert status == 201 and payment["invoice_status"] == "partially_paid"
        balance = payment["invoice_balance_due"]
    status, last, _ = script.call(
        "POST", "payments", {"invoice_id": draft["id"], "amount": balance}, key="final"
    )
    assert status == 201 and last["invoice_status"] == "paid"

    status, invoice, _ = script.call("GET", f"invoices/{draft['id']}")
    assert invoice["status"] == "paid" and invoice["balance_due"] == "0.00"
    assert invoice["amount_paid"] == "432.00"
