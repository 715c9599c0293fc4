"""/api/v1/exchange-rates: list, create, delete, import the ECB's files, export; and an invoice
issued through the API without a rate takes the table's."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as DjangoClient

from invoicetron.accounts.models import User
from invoicetron.billing.models import BusinessProfile, ExchangeRate
from tests.fixtures import factories
from tests.fixtures.api import Api
from tests.fixtures.ecb import DAY_FILE, HISTORY_FILE, HISTORY_USD, expected_rate


def import_file(token: str, data: bytes, name: str = "eurofxref-hist.csv") -> Any:
    return DjangoClient().post(
        "/api/v1/exchange-rates/import",
        {"file": SimpleUploadedFile(name, data, "text/csv")},
        headers={"Authorization": f"Bearer {token}"},
    )


def test_importing_the_ecb_history_reports_what_it_did_and_again_changes_nothing(
    api: Api, owner_token: str, business: BusinessProfile
) -> None:
    response = import_file(owner_token, HISTORY_FILE.read_bytes())
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (90, 0, 0)
    assert (body["first_day"], body["last_day"]) == ("2024-12-04", "2024-12-06")
    assert "CYP" in body["unknown_columns"] and "RUB" not in body["currencies"]
    again = import_file(owner_token, DAY_FILE.read_bytes(), "eurofxref.csv").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 30)

    listed = api.get("exchange-rates", currency="USD").body
    assert listed["count"] == 3
    assert {item["date"]: item["rate"] for item in listed["items"]} == {
        day: str(expected_rate("1", quote).normalize()) for day, quote in HISTORY_USD.items()
    }
    assert {item["source"] for item in listed["items"]} == {"import"}
    export = DjangoClient().get(
        "/api/v1/exchange-rates/export.csv",
        {"currency": "USD", "date_from": "2024-12-05"},
        headers={"Authorization": f"Bearer {owner_token}"},
    )
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    lines = b"".join(export.streaming_content).decode().splitlines()
    assert lines == [
        "currency,base_currency,date,rate,source",
        f"USD,EUR,2024-12-06,{expected_rate('1', HISTORY_USD['2024-12-06']).normalize()},import",
        f"USD,EUR,2024-12-05,{expected_rate('1', HISTORY_USD['2024-12-05']).normalize()},import",
    ]


def test_a_bad_file_is_a_422_listing_each_row_and_writes_nothing(
    owner_token: str, business: BusinessProfile
) -> None:
    bad = HISTORY_FILE.read_text().replace("2024-12-05,1.0552", "2024-12-05,abc", 1)
    response = import_file(owner_token, bad.encode())
    assert response.status_code == 422
    error = response.json()["error"]
    messages = [item["message"] for item in error["fields"]]
    assert "Row 3, USD: “abc” is not a number (write it like 1.0530, or N/A)." in messages
    assert ExchangeRate.objects.count() == 0


def test_an_import_over_the_limit_is_refused_before_it_is_read(
    owner_token: str, business: BusinessProfile
) -> None:
    response = DjangoClient().generic(
        "POST",
        "/api/v1/exchange-rates/import",
        b"x" * (6 * 1024 * 1024),
        content_type="multipart/form-data; boundary=b",
        headers={"Authorization": f"Bearer {owner_token}"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["message"].startswith("The request body is larger than 5 MB")


def test_rates_are_created_validated_and_deleted_by_the_owner_only(
    api: Api, read_only_api: Api, colleague: User, business: BusinessProfile
) -> None:
    created = api.post("exchange-rates", {"currency": "USD", "date": "2026-12-04", "rate": "0.86"})
    assert created.status == 201
    assert created.body["rate"] == "0.86" and created.body["base_currency"] == "EUR"
    assert created.body["source"] == "manual"
    refused = api.post("exchange-rates", {"currency": "EUR", "date": "2026-12-04", "rate": "1"})
    assert refused.status == 422 and refused.field_paths() == ["currency"]
    refused = api.post("exchange-rates", {"currency": "USD", "date": "2026-12-04", "rate": "0"})
    assert refused.status == 422
    refused = api.post("exchange-rates", {"currency": "USD", "date": "2026-12-04", "rate": "0.9"})
    assert refused.status == 422 and refused.field_paths() == ["date"]
    assert "already a USD rate" in refused.error["fields"][0]["message"]
    assert (
        read_only_api.post(
            "exchange-rates", {"currency": "GBP", "date": "2026-12-04", "rate": "1.15"}
        ).status
        == 403
    )
    rate_id = created.body["id"]
    assert api.get(f"exchange-rates/{rate_id}").body["currency"] == "USD"
    assert api.delete(f"exchange-rates/{rate_id}").status == 204
    assert api.get(f"exchange-rates/{rate_id}").status == 404


def test_an_invoice_issued_without_a_rate_takes_the_tables_rate_for_its_issue_date(
    api: Api, owner: User, business: BusinessProfile
) -> None:
    draft = factories.draft(owner, currency="USD")
    refused = api.post(f"invoices/{draft.pk}/issue", {"issue_date": "2026-12-04"})
    assert refused.status == 422
    assert refused.field_paths() == ["exchange_rate"]
    assert "Settings → Exchange rates" in refused.error["fields"][0]["message"]
    api.post("exchange-rates", {"currency": "USD", "date": "2026-12-03", "rate": "0.8571"})
    api.post("exchange-rates", {"currency": "USD", "date": "2026-12-05", "rate": "0.9999"})
    issued = api.post(f"invoices/{draft.pk}/issue", {"issue_date": "2026-12-04"})
    assert issued.status == 200, issued.body
    assert issued.body["exchange_rate"] == "0.8571"
    given = factories.draft(owner, currency="USD")
    answer = api.post(f"invoices/{given.pk}/issue", {"exchange_rate": "0.9"})
    assert answer.body["exchange_rate"] == "0.9"  # a rate given wins over the table
    draft.refresh_from_db()
    assert draft.exchange_rate == Decimal("0.8571")
    assert draft.issue_date == datetime.date(2026, 12, 4)
