"""API input that used to end in a 500 gets a clear answer (issue 14)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from invoicetron.accounts.models import User
from invoicetron.billing.models import CreditNote, DocumentKind, Invoice, NumberSeries
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def invoice(owner: User) -> Invoice:
    factories.business()
    return factories.issued_invoice(by=owner)


@pytest.mark.parametrize("resource", ["invoices", "clients", "products"])
def test_updated_since_with_an_offset_postgresql_cannot_store_is_still_answered(
    api: Api, invoice: Invoice, resource: str
) -> None:
    factories.product()
    # +16:00 is valid ISO 8601 but outside PostgreSQL's offsets: it is compared in UTC instead.
    answer = api.get(resource, updated_since="2026-01-01T00:00:00%2B16:00")
    assert answer.status == 200
    assert answer.body["count"] >= 1
    later = api.get(resource, updated_since="2999-12-31T00:00:00%2B16:00")
    assert (later.status, later.body["count"]) == (200, 0)


def test_a_credit_note_without_a_default_series_uses_the_kinds_existing_series(
    api: Api, invoice: Invoice
) -> None:
    # The owner unticked "default" on the only credit-note series.
    NumberSeries.objects.create(
        name="Credit notes", kind=DocumentKind.CREDIT_NOTE, pattern="CR-{SEQ:3}", reset="never"
    )
    answer = api.post("credit-notes", {"invoice_id": invoice.pk})
    assert answer.status == 201, answer.body
    assert answer.body["number"] == "CR-001"
    assert NumberSeries.objects.get(kind=DocumentKind.CREDIT_NOTE).is_default


@pytest.mark.django_db(transaction=True)
def test_two_first_credit_notes_at_once_create_one_default_series(owner: User) -> None:
    factories.business()
    invoices = [factories.issued_invoice(by=owner) for _ in range(2)]
    from invoicetron.api.tokens import create_token

    token = create_token(owner, "threads").secret
    barrier = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def credit(index: int) -> None:
        try:
            barrier.wait()
            answers[index] = Api(token).post("credit-notes", {"invoice_id": invoices[index].pk})
        finally:
            connection.close()

    threads = [threading.Thread(target=credit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [answer.status for answer in answers] == [201, 201], [a.body for a in answers]
    assert sorted(answer.body["number"] for answer in answers)[0].endswith("-0001")
    assert NumberSeries.objects.filter(kind=DocumentKind.CREDIT_NOTE).count() == 1


def test_a_retried_credit_note_with_the_same_key_credits_once(api: Api, invoice: Invoice) -> None:
    line = invoice.lines.first()
    assert line is not None
    body = {"invoice_id": invoice.pk, "lines": [{"invoice_line_id": line.pk, "quantity": "1"}]}
    first = api.post("credit-notes", body, Idempotency_Key="credit-1")
    retry = api.post("credit-notes", body, Idempotency_Key="credit-1")
    assert (first.status, retry.status) == (201, 201)
    assert retry.body == first.body
    assert retry.headers.get("Idempotent-Replayed") == "true"
    assert CreditNote.objects.count() == 1
    other = api.post("credit-notes", body, Idempotency_Key="credit-2")
    assert other.status == 201 and CreditNote.objects.count() == 2


def test_an_amount_discount_larger_than_its_line_is_a_422_naming_the_line(
    api: Api, invoice: Invoice
) -> None:
    body = {
        "client_id": invoice.client_id,
        "lines": [
            {"description": "Design work", "quantity": "1", "unit_price": "100"},
            {
                "description": "Font licence",
                "quantity": "2",
                "unit_price": "10",
                "discount_type": "amount",
                "discount_value": "25",
            },
        ],
    }
    answer = api.post("invoices", body)
    assert answer.status == 422, answer.body
    assert answer.error["fields"] == [
        {
            "path": "lines.1.discount_value",
            "message": "The discount (25.00) is larger than the line “Font licence” (20.00).",
        }
    ]
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize("pattern", ['CN";{SEQ}', "CN-{SEQ}\r\n"])
def test_a_series_pattern_unsafe_in_a_file_name_is_a_422(api: Api, pattern: str) -> None:
    answer = api.post(
        "number-series",
        {"name": "Odd", "kind": "credit_note", "pattern": pattern, "reset": "never"},
    )
    assert answer.status == 422
    assert answer.field_paths() == ["pattern"]
    assert "letters, digits, spaces" in answer.error["fields"][0]["message"]
    assert not NumberSeries.objects.filter(name="Odd").exists()


def test_a_series_in_use_keeps_its_pattern(api: Api, invoice: Invoice) -> None:
    answer = api.patch(f"number-series/{invoice.series_id}", {"pattern": "X-{YYYY}-{SEQ}"})
    assert answer.status == 422
    assert "create a new series instead" in answer.error["fields"][0]["message"]
    assert api.patch(f"number-series/{invoice.series_id}", {"name": "Main"}).status == 200


def test_the_pdf_download_names_the_file_per_rfc_6266(api: Api, invoice: Invoice) -> None:
    answer = api.get(f"invoices/{invoice.pk}/pdf")
    assert answer.status == 200
    assert answer.headers["Content-Disposition"] == (
        f"inline; filename=\"{invoice.number}.pdf\"; filename*=UTF-8''{invoice.number}.pdf"
    )
