from __future__ import annotations

import pytest

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing.models import Invoice, Payment
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice() -> Invoice:
    factories.business()
    return factories.issued_invoice()  # 432.00 EUR


def test_payments_settle_the_invoice_until_it_is_paid(api: Api, invoice: Invoice) -> None:
    first = api.post("payments", {"invoice_id": invoice.pk, "amount": "200.00"})
    assert first.status == 201, first.body
    assert first.body["amount"] == "200.00" and first.body["currency"] == "EUR"
    assert first.body["invoice_status"] == "partially_paid"
    assert first.body["invoice_balance_due"] == "232.00"
    second = api.post("payments", {"invoice_id": invoice.pk, "amount": "232", "method": "card"})
    assert second.body["invoice_status"] == "paid"
    assert api.get(f"invoices/{invoice.pk}").body["balance_due"] == "0.00"


def test_a_payment_above_the_balance_due_is_refused_on_its_amount(
    api: Api, invoice: Invoice
) -> None:
    answer = api.post("payments", {"invoice_id": invoice.pk, "amount": "432.01"})
    assert answer.status == 422
    assert answer.field_paths() == ["amount"]


def test_a_payment_on_a_draft_is_refused(api: Api) -> None:
    draft = factories.draft()
    answer = api.post("payments", {"invoice_id": draft.pk, "amount": "1"})
    assert answer.status == 422
    assert "Issue the invoice" in answer.error["message"]


def test_a_retried_payment_with_the_same_key_is_recorded_once(api: Api, invoice: Invoice) -> None:
    body = {"invoice_id": invoice.pk, "amount": "100.00"}
    first = api.post("payments", body, Idempotency_Key="pay-1")
    retry = api.post("payments", body, Idempotency_Key="pay-1")
    assert first.status == retry.status == 201
    assert retry.body == first.body
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_the_same_key_with_another_body_is_refused(api: Api, invoice: Invoice) -> None:
    api.post("payments", {"invoice_id": invoice.pk, "amount": "100.00"}, Idempotency_Key="k")
    other = api.post("payments", {"invoice_id": invoice.pk, "amount": "5.00"}, Idempotency_Key="k")
    assert other.status == 422
    assert other.error["code"] == "idempotency_key_reused"
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_keys_belong_to_their_token(api: Api, owner: User, invoice: Invoice) -> None:
    other = Api(create_token(owner, "second").secret)
    body = {"invoice_id": invoice.pk, "amount": "10.00"}
    api.post("payments", body, Idempotency_Key="shared")
    answer = other.post("payments", body, Idempotency_Key="shared")
    assert answer.status == 201 and "Idempotent-Replayed" not in answer.headers
    assert Payment.objects.filter(invoice=invoice).count() == 2


def test_a_failed_request_stores_nothing_and_may_be_retried_with_its_key(
    api: Api, invoice: Invoice
) -> None:
    refused = api.post(
        "payments", {"invoice_id": invoice.pk, "amount": "999"}, Idempotency_Key="k2"
    )
    assert refused.status == 422
    accepted = api.post(
        "payments", {"invoice_id": invoice.pk, "amount": "999"}, Idempotency_Key="k2"
    )
    assert accepted.status == 422  # still refused: validated again, not replayed


def test_issuing_twice_with_the_same_key_issues_once(api: Api) -> None:
    factories.business()
    draft = factories.draft()
    first = api.post(f"invoices/{draft.pk}/issue", {}, Idempotency_Key="issue-1")
    retry = api.post(f"invoices/{draft.pk}/issue", {}, Idempotency_Key="issue-1")
    assert first.status == retry.status == 200
    assert retry.body["number"] == first.body["number"]
    assert retry.headers.get("Idempotent-Replayed") == "true"
    without_key = api.post(f"invoices/{draft.pk}/issue", {})
    assert without_key.status == 409


def test_deleting_a_payment_reopens_the_balance(api: Api, invoice: Invoice) -> None:
    paid = api.post("payments", {"invoice_id": invoice.pk, "amount": "432.00"}).body
    assert api.delete(f"payments/{paid['id']}").status == 204
    assert api.get(f"invoices/{invoice.pk}").body["balance_due"] == "432.00"


def test_payments_are_filtered_by_invoice_and_date(api: Api, invoice: Invoice) -> None:
    api.post("payments", {"invoice_id": invoice.pk, "amount": "1.00", "date": "2026-03-01"})
    api.post("payments", {"invoice_id": invoice.pk, "amount": "2.00", "date": "2026-04-01"})
    answer = api.get("payments", invoice_id=invoice.pk, date_from="2026-03-15")
    assert [item["amount"] for item in answer.body["items"]] == ["2.00"]


def test_a_credit_note_lowers_the_balance_and_has_a_pdf(api: Api, invoice: Invoice) -> None:
    line_id = api.get(f"invoices/{invoice.pk}").body["lines"][1]["id"]
    answer = api.post(
        "credit-notes",
        {"invoice_id": invoice.pk, "lines": [{"invoice_line_id": line_id, "quantity": "1"}]},
    )
    assert answer.status == 201, answer.body
    assert answer.body["number"].startswith("CN-")
    assert answer.body["total"] == "144.00"
    assert api.get(f"invoices/{invoice.pk}").body["balance_due"] == "288.00"
    pdf = api.get(f"credit-notes/{answer.body['id']}/pdf")
    assert pdf.status == 200 and pdf.body.startswith(b"%PDF")
    listed = api.get("credit-notes", invoice_id=invoice.pk)
    assert listed.body["count"] == 1


def test_crediting_more_than_remains_names_the_line(api: Api, invoice: Invoice) -> None:
    line_id = api.get(f"invoices/{invoice.pk}").body["lines"][0]["id"]
    answer = api.post(
        "credit-notes",
        {"invoice_id": invoice.pk, "lines": [{"invoice_line_id": line_id, "quantity": "9"}]},
    )
    assert answer.status == 422
    assert answer.field_paths() == ["lines.0.quantity"]
