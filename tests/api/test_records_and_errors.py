from __future__ import annotations

import pytest

from invoicetron.billing.models import Client
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db


def test_clients_are_created_read_changed_and_deleted(api: Api) -> None:
    created = api.post("clients", {"name": "Globex", "currency": "USD", "payment_terms_days": 14})
    assert created.status == 201, created.body
    client_id = created.body["id"]
    changed = api.patch(f"clients/{client_id}", {"name": "Globex Corp", "payment_terms_days": None})
    assert changed.body["name"] == "Globex Corp" and changed.body["payment_terms_days"] is None
    assert api.get(f"clients/{client_id}").body["currency"] == "USD"
    assert api.delete(f"clients/{client_id}").status == 204
    assert api.get(f"clients/{client_id}").status == 404


def test_a_client_with_invoices_is_archived_instead_of_deleted(api: Api) -> None:
    invoice = factories.draft()
    answer = api.delete(f"clients/{invoice.client_id}")
    assert answer.status == 200 and answer.body["archived"] is True
    assert Client.objects.filter(pk=invoice.client_id).exists()


def test_contacts_keep_one_primary_per_client(api: Api) -> None:
    client_id = api.post("clients", {"name": "Globex"}).body["id"]
    first = api.post("contacts", {"client_id": client_id, "email": "a@globex.example"})
    assert first.status == 201 and first.body["is_primary"] is True
    second = api.post(
        "contacts", {"client_id": client_id, "email": "b@globex.example", "is_primary": True}
    )
    assert second.body["is_primary"] is True
    contacts = api.get("contacts", client_id=client_id).body["items"]
    assert [c["is_primary"] for c in contacts] == [False, True]


def test_products_carry_decimal_prices_and_default_taxes(api: Api) -> None:
    vat = api.post("tax-rates", {"name": "VAT", "rate": "20"}).body
    answer = api.post(
        "products", {"name": "Design", "unit_price": "80.50", "default_tax_ids": [vat["id"]]}
    )
    assert answer.status == 201, answer.body
    assert answer.body["unit_price"] == "80.5" and answer.body["default_tax_ids"] == [vat["id"]]
    too_precise = api.post("products", {"name": "X", "unit_price": "1.123456"})
    assert too_precise.status == 422 and too_precise.field_paths() == ["unit_price"]


def test_a_tax_rate_in_use_cannot_be_deleted(api: Api) -> None:
    vat = factories.tax_rate()
    factories.draft()
    answer = api.delete(f"tax-rates/{vat.pk}")
    assert answer.status == 409 and answer.error["code"] == "in_use"


def test_number_series_validate_their_pattern(api: Api) -> None:
    bad = api.post("number-series", {"name": "X", "kind": "invoice", "pattern": "INV-{SEQ}"})
    assert bad.status == 422 and bad.field_paths() == ["pattern"]
    good = api.post(
        "number-series", {"name": "Web", "kind": "invoice", "pattern": "W-{YYYY}-{SEQ:3}"}
    )
    assert good.status == 201, good.body


def test_the_business_profile_is_readable(api: Api) -> None:
    factories.business()
    answer = api.get("business")
    assert answer.status == 200
    assert answer.body["name"] == "Acme Studio" and answer.body["base_currency"] == "EUR"


def test_lists_are_paginated_in_id_order_with_a_maximum_page_size(api: Api) -> None:
    for name in ["Charlie", "Alpha", "Bravo"]:
        factories.client(name)
    page = api.get("clients", limit=2)
    assert page.body["count"] == 3 and page.body["limit"] == 2
    ids = [item["id"] for item in page.body["items"]]
    assert ids == sorted(ids)
    rest = api.get("clients", limit=2, offset=2).body["items"]
    assert len(rest) == 1 and rest[0]["id"] > ids[-1]
    too_big = api.get("clients", limit=101)
    assert too_big.status == 422 and too_big.field_paths() == ["limit"]


def test_clients_are_filtered_for_sync_and_by_search(api: Api) -> None:
    factories.client("Globex")
    factories.client("Initech")
    assert [c["name"] for c in api.get("clients", search="glob").body["items"]] == ["Globex"]
    assert api.get("clients", updated_since="2999-01-01T00:00:00Z").body["count"] == 0
    assert api.get("clients", updated_since="not-a-date").status == 422


def test_every_error_has_the_same_shape(api: Api) -> None:
    answers = [
        api.get("clients/999999"),  # 404 from the API
        api.get("no-such-resource"),  # 404 from the URL resolver
        api.call("PUT", "clients"),  # 405
        api.call("POST", "clients", None),  # no body: 422
        api.post("clients", {"name": ""}),  # 422
    ]
    raw = api.client.generic(
        "POST",
        "/api/v1/clients",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert raw.status_code == 400 and set(raw.json()["error"]) == {"code", "message", "fields"}
    assert [answer.status for answer in answers] == [404, 404, 405, 422, 422]
    for answer in answers:
        assert set(answer.error) == {"code", "message", "fields"}, answer.body


def test_a_nul_character_in_text_is_a_422_naming_the_field(api: Api) -> None:
    """PostgreSQL cannot store U+0000: refused before the database, nothing written."""
    client_id = api.post("clients", {"name": "Globex"}).body["id"]
    changed = api.patch(f"clients/{client_id}", {"notes": "a\x00b"})
    assert changed.status == 422 and changed.field_paths() == ["notes"], changed.body
    created = api.post("clients", {"name": "Ini\x00tech"})
    assert created.status == 422 and created.field_paths() == ["name"], created.body
    line = {"description": "Design\x00", "quantity": "1", "unit_price": "10"}
    draft = api.post("invoices", {"client_id": client_id, "lines": [line]})
    assert draft.status == 422 and draft.field_paths() == ["lines.0.description"], draft.body
    searched = api.get("clients", search="x\x00")
    assert searched.status == 422, searched.body
    assert list(Client.objects.values_list("name", "notes")) == [("Globex", "")]


def test_an_unexpected_error_is_a_500_without_a_stack_trace(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from invoicetron.api.routers import clients

    def explode(*args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(clients, "paginate", explode)
    answer = api.get("clients")
    assert answer.status == 500
    assert answer.error["code"] == "internal_error"
    assert "secret internals" not in str(answer.body) and "Traceback" not in str(answer.body)


def test_a_database_outage_is_a_503_in_the_same_shape(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    from invoicetron.api.routers import clients

    def unavailable(*args: object) -> None:
        raise OperationalError("connection refused")

    monkeypatch.setattr(clients, "paginate", unavailable)
    answer = api.get("clients")
    assert answer.status == 503 and answer.error["code"] == "database_unavailable"
    assert answer.headers["Retry-After"] == "5"
