"""Deposit invoices through the API: from an invoice draft (an order) or a quote, the final
invoice deducting them, the fields the invoice JSON shows, and the refusals."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.quotes.services import create_quote, send_quote
from tests.api.bodies import draft_body
from tests.fixtures import factories
from tests.fixtures.api import Answer, Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> dict[str, int]:
    factories.business()
    return {"client": factories.client().pk, "vat": factories.tax_rate().pk}


def ok(answer: Answer) -> dict[str, Any]:
    assert answer.status in (200, 201), answer.body
    return dict(answer.body)


def issue_and_pay(api: Api, invoice_id: int) -> dict[str, Any]:
    issued = ok(api.post(f"invoices/{invoice_id}/issue"))
    ok(api.post("payments", {"invoice_id": invoice_id, "amount": issued["balance_due"]}))
    return ok(api.get(f"invoices/{invoice_id}"))


def test_an_order_deposit_then_its_final_invoice(api: Api, setup: dict[str, int]) -> None:
    order = ok(
        api.post("invoices", draft_body(setup["client"], setup["vat"], order_reference="PO-9"))
    )
    assert order["kind"] == "standard" and order["totals"]["total"] == "432.00"
    deposit = ok(api.post(f"invoices/{order['id']}/deposit-invoices", {"percent": "25"}))
    assert deposit["kind"] == "deposit"
    assert deposit["order_reference"] == "PO-9"
    assert deposit["totals"]["total"] == "108.00"
    refused = api.post(f"invoices/{order['id']}/issue")
    assert refused.status == 422 and "issue it first" in str(refused.body)
    deposit = issue_and_pay(api, deposit["id"])
    assert deposit["status"] == "paid"
    order = ok(api.get(f"invoices/{order['id']}"))
    assert [d["number"] for d in order["deductions"]] == [deposit["number"]]
    assert order["deductions"][0]["total"] == "108.00"
    assert order["totals"]["taxes"] == [
        {"name": "VAT", "rate": "20", "base": "270.00", "tax": "54.00"}
    ]
    final = issue_and_pay(api, order["id"])
    assert final["total"] == "324.00" and final["status"] == "paid"
    listed = ok(api.get("invoices"))["items"]
    assert {item["id"]: item["kind"] for item in listed} == {
        order["id"]: "standard",
        deposit["id"]: "deposit",
    }


def test_a_quote_deposit_and_its_final_invoice(
    api: Api, setup: dict[str, int], owner: User
) -> None:
    vat = factories.tax_rate()
    quote = create_quote(
        client=factories.client("Initech"),
        by=owner,
        lines=[factories.line("Website", "1", "1000", [vat])],
    )
    quote = send_quote(quote, by=owner, email=False)
    too_much = api.post(f"quotes/{quote.pk}/deposit-invoices", {"amount": "1200.01"})
    assert too_much.status == 422, too_much.body
    both = api.post(f"quotes/{quote.pk}/deposit-invoices", {"amount": "10", "percent": "10"})
    assert both.status == 422, both.body
    deposit = ok(api.post(f"quotes/{quote.pk}/deposit-invoices", {"percent": "30"}))
    assert deposit["totals"]["total"] == "360.00"
    not_accepted = api.post(f"quotes/{quote.pk}/final-invoice")
    assert not_accepted.status == 422
    issue_and_pay(api, deposit["id"])
    quote.status = "accepted"
    quote.save(update_fields=["status"])
    final = ok(api.post(f"quotes/{quote.pk}/final-invoice"))
    assert final["totals"]["total"] == "840.00"
    assert [d["deposit_id"] for d in final["deductions"]] == [deposit["id"]]
    again = api.post(f"quotes/{quote.pk}/final-invoice")
    assert again.status == 422


def test_a_deposit_is_deducted_once_and_for_its_own_client(api: Api, setup: dict[str, int]) -> None:
    order = ok(api.post("invoices", draft_body(setup["client"], setup["vat"])))
    deposit = ok(api.post(f"invoices/{order['id']}/deposit-invoices", {"amount": "100"}))
    issue_and_pay(api, deposit["id"])
    other = ok(api.post("invoices", draft_body(setup["client"], setup["vat"])))
    twice = api.post(f"invoices/{other['id']}/deductions", {"deposit_ids": [deposit["id"]]})
    assert twice.status == 422 and "already deducted" in str(twice.body)
    stranger = factories.client("Umbrella").pk
    foreign = ok(api.post("invoices", draft_body(stranger, setup["vat"])))
    refused = api.post(f"invoices/{foreign['id']}/deductions", {"deposit_ids": [deposit["id"]]})
    assert refused.status == 422 and "another client" in str(refused.body)
    not_a_deposit = api.post(f"invoices/{foreign['id']}/deductions", {"deposit_ids": [other["id"]]})
    assert not_a_deposit.status == 422
