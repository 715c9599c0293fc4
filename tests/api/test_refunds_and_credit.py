"""/api/v1/refunds, /api/v1/clients/{id}/credit and /api/v1/invoices/{id}/apply-credit: each
refusal answers 422 on its field and stores nothing; two applications at once, one succeeds."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing import services
from invoicetron.billing.models import CreditEntry, Invoice, Refund
from tests.fixtures import factories
from tests.fixtures.api import Answer, Api
from tests.fixtures.threads import in_threads

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice() -> Invoice:
    factories.business()
    return factories.issued_invoice()  # 432.00 EUR


def field_message(answer: Answer) -> str:
    [field] = answer.error["fields"]
    return str(field["message"])


def overpaid(api: Api, invoice: Invoice, amount: str = "500.00") -> dict[str, object]:
    body = {"invoice_id": invoice.pk, "amount": amount, "keep_excess_as_credit": True}
    answer = api.post("payments", body)
    assert answer.status == 201, answer.body
    return dict(answer.body)


def test_a_refund_through_the_api_makes_the_balance_due_again_and_can_be_deleted(
    api: Api, invoice: Invoice
) -> None:
    payment = api.post("payments", {"invoice_id": invoice.pk, "amount": "432.00"}).body
    answer = api.post(
        "refunds", {"payment_id": payment["id"], "amount": "32.50", "reference": "RF-9"}
    )
    assert answer.status == 201, answer.body
    assert answer.body["amount"] == "32.50" and answer.body["invoice_id"] == invoice.pk
    shown = api.get(f"invoices/{invoice.pk}").body
    assert (shown["status"], shown["balance_due"]) == ("partially_paid", "32.50")
    listed = api.get("refunds", invoice_id=invoice.pk).body
    assert [row["id"] for row in listed["items"]] == [answer.body["id"]]
    assert api.call("DELETE", f"refunds/{answer.body['id']}").status == 204
    assert api.get(f"invoices/{invoice.pk}").body["balance_due"] == "0.00"


def test_a_refund_above_what_is_left_of_the_payment_is_refused(api: Api, invoice: Invoice) -> None:
    payment = api.post("payments", {"invoice_id": invoice.pk, "amount": "100.00"}).body
    answer = api.post("refunds", {"payment_id": payment["id"], "amount": "100.01"})
    assert answer.status == 422
    assert answer.field_paths() == ["amount"]
    assert "Only 100.00 EUR of this payment" in field_message(answer)
    assert not Refund.objects.exists()


def test_a_payment_above_the_balance_needs_the_explicit_choice(api: Api, invoice: Invoice) -> None:
    refused = api.post("payments", {"invoice_id": invoice.pk, "amount": "500.00"})
    assert refused.status == 422 and refused.field_paths() == ["amount"]
    payment = overpaid(api, invoice)
    assert payment["invoice_status"] == "paid" and payment["amount"] == "500.00"
    credit = api.get(f"clients/{invoice.client_id}/credit").body
    assert credit["balances"] == [{"currency": "EUR", "balance": "68.00"}]
    [entry] = credit["ledger"]
    assert (entry["kind"], entry["amount"], entry["payment_id"]) == (
        "overpayment",
        "68.00",
        payment["id"],
    )


def test_applying_credit_settles_the_invoice_and_more_than_the_balance_is_refused(
    api: Api, invoice: Invoice
) -> None:
    overpaid(api, invoice)
    second = factories.issued_invoice(for_client=invoice.client)
    refused = api.post(f"invoices/{second.pk}/apply-credit", {"amount": "68.01"})
    assert refused.status == 422 and refused.field_paths() == ["amount"]
    assert "credit is 68.00 EUR" in field_message(refused)
    applied = api.post(f"invoices/{second.pk}/apply-credit", {})
    assert applied.status == 201, applied.body
    assert applied.body["entry"]["amount"] == "-68.00"
    assert applied.body["invoice_balance_due"] == "364.00"
    assert applied.body["invoice_status"] == "partially_paid"
    assert api.get(f"clients/{invoice.client_id}/credit").body["balances"] == []


def test_credit_is_not_applied_to_an_invoice_in_another_currency(
    api: Api, invoice: Invoice
) -> None:
    overpaid(api, invoice)
    dollars = services.issue_invoice(
        factories.draft(for_client=invoice.client, currency="USD"),
        by=None,
        exchange_rate=Decimal("0.9"),
    )
    answer = api.post(f"invoices/{dollars.pk}/apply-credit", {"amount": "10.00"})
    assert answer.status == 422 and answer.field_paths() == ["amount"]
    assert "no credit in USD" in field_message(answer)
    assert not CreditEntry.objects.filter(invoice=dollars).exists()


def test_credit_refunded_through_the_api_and_refused_above_the_balance(
    api: Api, invoice: Invoice
) -> None:
    overpaid(api, invoice, "450.00")
    path = f"clients/{invoice.client_id}/credit/refunds"
    refused = api.post(path, {"currency": "EUR", "amount": "18.01"})
    assert refused.status == 422 and refused.field_paths() == ["amount"]
    refunded = api.post(path, {"currency": "EUR", "amount": "18.00", "method": "cash"})
    assert refunded.status == 201, refunded.body
    assert refunded.body["payment_id"] is None and refunded.body["method"] == "cash"
    ledger = api.get(f"clients/{invoice.client_id}/credit").body["ledger"]
    assert [row["kind"] for row in ledger] == ["refund", "overpayment"]


@pytest.mark.django_db(transaction=True)
def test_two_applications_of_the_same_credit_at_once_only_one_succeeds(owner: User) -> None:
    factories.business()
    paid = factories.issued_invoice(owner)
    services.record_payment(paid, amount="532.00", by=owner, keep_excess_as_credit=True)
    targets = [factories.issued_invoice(owner, for_client=paid.client) for _ in range(2)]
    secret = create_token(owner, "concurrent").secret

    answers = in_threads(
        2,
        lambda i: Api(secret).post(f"invoices/{targets[i].pk}/apply-credit", {"amount": "60.00"}),
    )

    statuses = sorted(answer.status for answer in answers)  # type: ignore[union-attr]
    assert statuses == [201, 422]
    credit = Api(secret).get(f"clients/{paid.client_id}/credit").body
    assert credit["balances"] == [{"currency": "EUR", "balance": "40.00"}]
