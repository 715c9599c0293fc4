"""Refunds, client credit and deposit invoices over HTTP with a token: list, create and delete
what the pages can, the pages' own refusals, and an OpenAPI schema that documents each (#19)."""

from __future__ import annotations

import datetime
import html
from typing import Any

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import CreditEntry, Invoice
from tests.api.bodies import draft_body
from tests.fixtures import factories
from tests.fixtures.api import Answer, Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice() -> Invoice:
    factories.business()
    return factories.issued_invoice()  # 432.00 EUR


def ok(answer: Answer) -> Any:
    assert answer.status in (200, 201, 204), answer.body
    return answer.body


def test_applied_credit_is_listed_and_taken_back_over_http(api: Api, invoice: Invoice) -> None:
    overpaid = {"invoice_id": invoice.pk, "amount": "500.00", "keep_excess_as_credit": True}
    ok(api.post("payments", overpaid))
    other = factories.issued_invoice(for_client=invoice.client)
    applied = ok(api.post(f"invoices/{other.pk}/apply-credit", {"amount": "50.00"}))
    assert applied["invoice_balance_due"] == "382.00"

    listed = ok(api.get(f"invoices/{other.pk}/applied-credit"))
    assert [(row["id"], row["amount"], row["kind"]) for row in listed] == [
        (applied["entry"]["id"], "-50.00", "application")
    ]
    # Only an application on this invoice: the overpayment's entry is not one.
    overpayment = CreditEntry.objects.get(kind="overpayment")
    assert api.delete(f"invoices/{other.pk}/applied-credit/{overpayment.pk}").status == 404
    assert api.delete(f"invoices/{invoice.pk}/applied-credit/{applied['entry']['id']}").status == (
        404
    )

    assert api.delete(f"invoices/{other.pk}/applied-credit/{applied['entry']['id']}").status == 204
    shown = ok(api.get(f"invoices/{other.pk}"))
    assert (shown["status"], shown["balance_due"]) == ("issued", "432.00")
    credit = ok(api.get(f"clients/{invoice.client_id}/credit"))
    assert credit["balances"] == [{"currency": "EUR", "balance": "68.00"}]
    assert ok(api.get(f"invoices/{other.pk}/applied-credit")) == []
    again = api.delete(f"invoices/{other.pk}/applied-credit/{applied['entry']['id']}")
    assert again.status == 404


def test_a_refund_refused_over_http_says_what_the_page_says(
    api: Api, invoice: Invoice, owner: User, client: HttpClient
) -> None:
    payment = ok(api.post("payments", {"invoice_id": invoice.pk, "amount": "100.00"}))
    answer = api.post("refunds", {"payment_id": payment["id"], "amount": "100.01"})
    assert answer.status == 422 and answer.field_paths() == ["amount"]
    [field] = answer.error["fields"]

    client.force_login(owner)
    page = client.post(
        f"/payments/{payment['id']}/refund/",
        {"amount": "100.01", "date": datetime.date.today().isoformat(), "method": "bank_transfer"},
    )
    assert page.status_code == 400
    assert field["message"] in html.unescape(page.content.decode())
    assert not ok(api.get("refunds", invoice_id=invoice.pk))["items"]


def test_credit_refunds_are_listed_and_deleted_like_payment_refunds(
    api: Api, invoice: Invoice
) -> None:
    overpaid = {"invoice_id": invoice.pk, "amount": "500.00", "keep_excess_as_credit": True}
    ok(api.post("payments", overpaid))
    body = {"currency": "EUR", "amount": "68.00", "reference": "back"}
    refund = ok(api.post(f"clients/{invoice.client_id}/credit/refunds", body))
    assert refund["payment_id"] is None and refund["invoice_id"] is None
    listed = ok(api.get("refunds", client_id=invoice.client_id))["items"]
    assert [row["id"] for row in listed] == [refund["id"]]
    assert ok(api.get(f"clients/{invoice.client_id}/credit"))["balances"] == []
    assert api.delete(f"refunds/{refund['id']}").status == 204
    assert ok(api.get(f"clients/{invoice.client_id}/credit"))["balances"] == [
        {"currency": "EUR", "balance": "68.00"}
    ]
    assert api.delete(f"refunds/{refund['id']}").status == 404


def test_an_orders_deposit_invoices_are_listed_and_a_draft_one_deleted(api: Api) -> None:
    factories.business()
    client, vat = factories.client().pk, factories.tax_rate().pk
    order = ok(api.post("invoices", draft_body(client, vat, order_reference="PO-9")))
    first = ok(api.post(f"invoices/{order['id']}/deposit-invoices", {"percent": "25"}))
    second = ok(api.post(f"invoices/{order['id']}/deposit-invoices", {"amount": "100.00"}))
    listed = ok(api.get(f"invoices/{order['id']}/deposit-invoices"))
    assert [(row["id"], row["kind"], row["totals"]["total"]) for row in listed] == [
        (first["id"], "deposit", "108.00"),
        (second["id"], "deposit", "100.00"),
    ]
    refused = api.post(f"invoices/{order['id']}/deposit-invoices", {"amount": "300.00"})
    assert refused.status == 422 and refused.field_paths() == ["amount"]
    assert "at most 224.00" in refused.error["fields"][0]["message"].replace("\u00a0", " ")

    assert api.delete(f"invoices/{second['id']}").status == 204
    listed = ok(api.get(f"invoices/{order['id']}/deposit-invoices"))
    assert [row["id"] for row in listed] == [first["id"]]
    assert api.get("invoices/999999/deposit-invoices").status == 404
    services.issue_invoice(Invoice.objects.get(pk=first["id"]), by=None)
    issued = api.delete(f"invoices/{first['id']}")
    assert issued.status in (409, 422), "an issued deposit invoice is never deleted"


def test_the_schema_documents_refunds_credit_and_deposits() -> None:
    paths = HttpClient().get("/api/openapi.json").json()["paths"]
    expected = {
        "/api/v1/refunds": {"get", "post"},
        "/api/v1/refunds/{id}": {"get", "delete"},
        "/api/v1/clients/{id}/credit": {"get"},
        "/api/v1/clients/{id}/credit/refunds": {"post"},
        "/api/v1/invoices/{id}/apply-credit": {"post"},
        "/api/v1/invoices/{id}/applied-credit": {"get"},
        "/api/v1/invoices/{id}/applied-credit/{entry_id}": {"delete"},
        "/api/v1/invoices/{id}/deposit-invoices": {"get", "post"},
        "/api/v1/invoices/{id}/deductions": {"post"},
        "/api/v1/quotes/{id}/deposit-invoices": {"post"},
        "/api/v1/quotes/{id}/final-invoice": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
        for method in methods:
            operation = paths[path][method]
            assert operation.get("description") or operation.get("summary"), (path, method)
            if method in ("post", "delete"):
                assert "422" in operation["responses"], (path, method)
