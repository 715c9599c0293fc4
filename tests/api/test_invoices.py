from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from ninja.responses import NinjaJSONEncoder

from invoicetron.api.pagination import Page
from invoicetron.api.routers.invoice_io import InvoiceSummaryOut, summary_fields
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, InvoiceStatus
from tests.api.bodies import draft_body
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup() -> dict[str, int]:
    factories.business()
    return {"client": factories.client().pk, "vat": factories.tax_rate().pk}


def test_creating_a_draft_computes_totals_as_decimal_strings(api: Api, setup: dict) -> None:
    answer = api.post("invoices", draft_body(setup["client"], setup["vat"]))
    assert answer.status == 201, answer.body
    invoice = answer.body
    assert invoice["status"] == "draft" and invoice["number"] is None
    assert invoice["currency"] == "EUR"
    assert [line["amount"] for line in invoice["lines"]] == ["240.00", "120.00"]
    assert invoice["totals"]["net_total"] == "360.00"
    assert invoice["totals"]["tax_total"] == "72.00"
    assert invoice["totals"]["total"] == "432.00"
    assert invoice["totals"]["taxes"] == [
        {"name": "VAT", "rate": "20", "base": "360.00", "tax": "72.00"}
    ]
    assert invoice["lines"][0]["tax_ids"] == [setup["vat"]]


def test_totals_sent_by_a_client_are_ignored(api: Api, setup: dict) -> None:
    body = draft_body(setup["client"], setup["vat"], total="1.00", net_total="1.00")
    body["lines"][0]["amount"] = "0.01"
    answer = api.post("invoices", body)
    assert answer.status == 201
    assert answer.body["total"] == "432.00"


def test_a_refused_line_value_names_its_path(api: Api, setup: dict) -> None:
    body = draft_body(setup["client"], setup["vat"])
    body["lines"][1]["quantity"] = "-2"
    answer = api.post("invoices", body)
    assert answer.status == 422
    assert answer.error["code"] == "validation_error"
    assert answer.field_paths() == ["lines.1.quantity"]
    assert not Invoice.objects.exists()


def test_a_schema_error_names_its_path_too(api: Api, setup: dict) -> None:
    body = draft_body(setup["client"], setup["vat"])
    body["lines"][0]["unit_price"] = 80.5  # a JSON number, not a decimal string
    answer = api.post("invoices", body)
    assert answer.status == 422
    assert answer.field_paths() == ["lines.0.unit_price"]


def test_an_unknown_client_or_tax_rate_is_a_422_on_that_field(api: Api, setup: dict) -> None:
    assert api.post("invoices", draft_body(999_999, setup["vat"])).field_paths() == ["client_id"]
    answer = api.post("invoices", draft_body(setup["client"], 999_999))
    assert answer.field_paths() == ["lines.0.tax_ids"]


def test_a_draft_is_updated_and_its_lines_replaced(api: Api, setup: dict) -> None:
    created = api.post("invoices", draft_body(setup["client"], setup["vat"])).body
    lines = [{"description": "Workshop", "quantity": "1", "unit_price": "500"}]
    answer = api.patch(f"invoices/{created['id']}", {"notes": "Thanks!", "lines": lines})
    assert answer.status == 200, answer.body
    assert answer.body["notes"] == "Thanks!"
    assert [line["description"] for line in answer.body["lines"]] == ["Workshop"]
    assert answer.body["total"] == "500.00"


def test_issuing_numbers_and_freezes_the_invoice(api: Api, setup: dict) -> None:
    created = api.post("invoices", draft_body(setup["client"], setup["vat"])).body
    issued = api.post(f"invoices/{created['id']}/issue")
    assert issued.status == 200, issued.body
    assert issued.body["status"] == "issued"
    assert issued.body["number"].startswith("INV-")
    assert issued.body["balance_due"] == "432.00"

    edit = api.patch(f"invoices/{created['id']}", {"notes": "late change"})
    assert edit.status == 409 and edit.error["code"] == "immutable"
    assert api.delete(f"invoices/{created['id']}").status == 409
    again = api.post(f"invoices/{created['id']}/issue")
    assert again.status == 409


def test_issuing_in_a_foreign_currency_needs_an_exchange_rate(api: Api, setup: dict) -> None:
    created = api.post("invoices", draft_body(setup["client"], setup["vat"], currency="USD")).body
    refused = api.post(f"invoices/{created['id']}/issue")
    assert refused.status == 422 and refused.field_paths() == ["exchange_rate"]
    issued = api.post(f"invoices/{created['id']}/issue", {"exchange_rate": "0.92"})
    assert issued.status == 200 and issued.body["exchange_rate"] == "0.92"


def test_a_draft_is_deleted_and_burns_no_number(api: Api, setup: dict) -> None:
    created = api.post("invoices", draft_body(setup["client"], setup["vat"])).body
    assert api.delete(f"invoices/{created['id']}").status == 204
    assert api.get(f"invoices/{created['id']}").status == 404


def test_the_pdf_of_an_invoice_is_served_as_a_pdf(api: Api, setup: dict) -> None:
    created = api.post("invoices", draft_body(setup["client"], setup["vat"])).body
    answer = api.get(f"invoices/{created['id']}/pdf")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/pdf"
    assert answer.body.startswith(b"%PDF")


def test_marking_an_issued_invoice_sent(api: Api, setup: dict) -> None:
    created = api.post("invoices", draft_body(setup["client"], setup["vat"])).body
    api.post(f"invoices/{created['id']}/issue")
    answer = api.post(f"invoices/{created['id']}/mark-sent")
    assert answer.status == 200 and answer.body["status"] == "sent"
    assert answer.body["sent_at"] is not None


def test_invoices_are_filtered_by_status_client_and_dates(api: Api, setup: dict) -> None:
    other = factories.client("Initech").pk
    first = api.post("invoices", draft_body(setup["client"], setup["vat"])).body["id"]
    api.post("invoices", draft_body(other, setup["vat"]))
    api.post(f"invoices/{first}/issue", {"issue_date": "2026-02-10"})

    def ids(**params: Any) -> list[int]:
        answer = api.get("invoices", **params)
        assert answer.status == 200, answer.body
        return [item["id"] for item in answer.body["items"]]

    assert ids(status="issued") == [first]
    assert ids(client_id=setup["client"]) == [first]
    assert ids(issue_date_from="2026-02-01", issue_date_to="2026-02-28") == [first]
    assert ids(issue_date_from="2026-03-01") == []
    assert len(ids(updated_since="2000-01-01T00:00:00Z")) == 2
    assert ids(updated_since="2999-01-01T00:00:00Z") == []
    assert api.get("invoices", status="unknown").status == 422


def test_an_issued_invoice_shows_its_frozen_figures(api: Api, setup: dict) -> None:
    invoice = factories.issued_invoice()
    answer = api.get(f"invoices/{invoice.pk}")
    assert answer.status == 200
    assert answer.body["status"] == InvoiceStatus.ISSUED
    assert answer.body["totals"]["total"] == answer.body["total"]
    assert answer.body["lines"][0]["taxes"] == [{"name": "VAT", "rate": "20"}]


def test_the_list_answers_each_invoice_as_its_own_get_does(api: Api, setup: dict) -> None:
    """The list reads only a summary's columns and skips the response validation: its bytes must
    be what validating the single GET's summary fields against the page schema gives."""
    factories.draft()
    late = factories.issued_invoice(
        issue_date=datetime.date(2025, 1, 1), due_date=datetime.date(2025, 1, 31)
    )
    services.record_payment(late, amount="100.50", by=None)
    yen = [factories.line("Licence", "3", "333.33")]
    yen_draft = factories.draft(currency="JPY", lines=yen)
    services.issue_invoice(yen_draft, by=None, exchange_rate="0.0061")

    response = api.client.get(
        "/api/v1/invoices?limit=10", headers={"Authorization": f"Bearer {api.token}"}
    )

    today = services.business_today()
    invoices = Invoice.objects.order_by("id")
    page = {
        "count": 3,
        "limit": 10,
        "offset": 0,
        "next_after": None,
        "items": [summary_fields(i, today) for i in invoices],
    }
    expected = Page[InvoiceSummaryOut].model_validate(page).model_dump()
    assert response.status_code == 200
    assert response.content == json.dumps(expected, cls=NinjaJSONEncoder).encode()
    draft, overdue, in_yen = json.loads(response.content)["items"]
    assert draft["number"] is None and draft["is_overdue"] is False
    assert overdue["status"] == "partially_paid" and overdue["is_overdue"] is True
    assert overdue["balance_due"] == "331.50"
    assert in_yen["currency"] == "JPY" and in_yen["total"] == "1000"
    for item in (draft, overdue, in_yen):
        single = api.get(f"invoices/{item['id']}").body
        assert item == {name: single[name] for name in InvoiceSummaryOut.model_fields}
