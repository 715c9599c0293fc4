"""Every e-invoice field (EN 16931) can be read and written through the API, and is checked.

Business profile and clients: structured address, electronic address, ids, payment means.
Tax rates: VAT category and exemption reason. Products and lines: unit codes. Lines: price base
quantity, allowances and charges. Invoices: buyer and order references, document allowances and
charges (spread, or for one VAT rate) whose figures are the money engine's.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing import money
from invoicetron.billing.models import BusinessProfile, Invoice
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def colleague_api(colleague: User) -> Api:
    return Api(create_token(colleague, "colleague").secret)


# -- Business profile ------------------------------------------------------------------------------


def test_the_owner_fills_in_the_business_e_invoice_fields(api: Api) -> None:
    factories.business()
    answer = api.patch(
        "business",
        {
            "street": "12 Hauptstraße",
            "city": "Berlin",
            "postcode": "10115",
            "country": "de",
            "registration_id": "HRB 12345",
            "endpoint_scheme": "9930",
            "endpoint_id": "DE123456789",
            "payment_means_code": "58",
            "iban": "de89 3704 0044 0532 0130 00",
            "bic": "cobadeffxxx",
            "einvoice_format": "facturx",
        },
    )
    assert answer.status == 200, answer.body
    assert answer.body["country"] == "DE"
    assert answer.body["iban"] == "DE89370400440532013000"
    assert answer.body["bic"] == "COBADEFFXXX"
    assert api.get("business").body["endpoint_id"] == "DE123456789"
    profile = BusinessProfile.load()
    assert (profile.city, profile.einvoice_format, profile.name) == (
        "Berlin",
        "facturx",
        "Acme Studio",
    )


@pytest.mark.parametrize(
    ("values", "path", "words"),
    [
        ({"iban": "DE88 3704 0044 0532 0130 00"}, "iban", "check digits"),
        ({"iban": "12345"}, "iban", "country code"),
        ({"bic": "COBA-DE"}, "bic", "8 or 11"),
        ({"country": "XX"}, "country", "ISO 3166-1"),
        ({"endpoint_scheme": "0088"}, "endpoint_id", "electronic address"),
        ({"endpoint_id": "4012345000009"}, "endpoint_scheme", "scheme"),
        ({"endpoint_scheme": "1234", "endpoint_id": "x"}, "endpoint_scheme", "EAS"),
    ],
)
def test_wrong_business_details_are_refused_naming_the_field(
    api: Api, values: dict[str, str], path: str, words: str
) -> None:
    factories.business()
    answer = api.patch("business", values)
    assert answer.status == 422, answer.body
    assert answer.field_paths() == [path]
    assert words in answer.error["fields"][0]["message"]
    assert BusinessProfile.load().iban == ""


def test_only_an_owner_changes_the_business_profile(colleague_api: Api) -> None:
    factories.business()
    answer = colleague_api.patch("business", {"city": "Nowhere"})
    assert answer.status == 403
    assert colleague_api.get("business").body["city"] == ""


# -- Clients ---------------------------------------------------------------------------------------


def test_a_client_keeps_its_address_electronic_address_and_buyer_reference(api: Api) -> None:
    created = api.post(
        "clients",
        {
            "name": "Bundesamt",
            "street": "Platz der Republik 1",
            "city": "Berlin",
            "postcode": "11011",
            "country": "DE",
            "tax_id": "DE987654321",
            "registration_id": "HRB 999",
            "endpoint_scheme": "em",
            "endpoint_id": "invoices@bund.example",
            "buyer_reference": "04011000-12345-67",
        },
    )
    assert created.status == 201, created.body
    client = api.get(f"clients/{created.body['id']}").body
    assert client["endpoint_scheme"] == "EM"
    assert client["buyer_reference"] == "04011000-12345-67"
    assert client["registration_id"] == "HRB 999"
    changed = api.patch(f"clients/{client['id']}", {"country": "at", "subdivision": "Wien"})
    assert (changed.body["country"], changed.body["subdivision"]) == ("AT", "Wien")
    refused = api.patch(f"clients/{client['id']}", {"country": "EU"})
    assert refused.status == 422 and refused.field_paths() == ["country"]
    refused = api.patch(f"clients/{client['id']}", {"endpoint_scheme": ""})
    assert refused.status == 422 and refused.field_paths() == ["endpoint_scheme"]


# -- Tax rates -------------------------------------------------------------------------------------


def test_a_tax_rate_has_a_vat_category_and_exemption_reason(api: Api) -> None:
    created = api.post(
        "tax-rates",
        {
            "name": "Reverse charge",
            "rate": "0",
            "category": "AE",
            "exemption_reason_code": "vatex-eu-ae",
        },
    )
    assert created.status == 201, created.body
    assert created.body["category"] == "AE"
    assert created.body["exemption_reason_code"] == "VATEX-EU-AE"
    changed = api.patch(
        f"tax-rates/{created.body['id']}",
        {"category": "E", "exemption_reason_code": "", "exemption_reason": "Medical care"},
    )
    assert changed.status == 200, changed.body
    assert changed.body["exemption_reason"] == "Medical care"


@pytest.mark.parametrize(
    ("values", "path"),
    [
        ({"rate": "19", "category": "AE", "exemption_reason": "Reverse charge"}, "rate"),
        ({"rate": "0", "category": "S"}, "rate"),
        ({"rate": "0", "category": "E"}, "exemption_reason"),
        (
            {"rate": "0", "category": "K", "exemption_reason_code": "VATEX-XX"},
            "exemption_reason_code",
        ),
        ({"rate": "20", "category": "S", "exemption_reason": "Why not"}, "exemption_reason"),
        ({"rate": "0", "category": "Q"}, "category"),
    ],
)
def test_a_category_that_disagrees_with_the_rate_or_reason_is_refused(
    api: Api, values: dict[str, str], path: str
) -> None:
    answer = api.post("tax-rates", {"name": "Odd", **values})
    assert answer.status == 422, answer.body
    assert answer.field_paths() == [path]


# -- Products and lines: unit codes ----------------------------------------------------------------


def test_a_product_has_a_unit_code_that_its_lines_take(api: Api) -> None:
    factories.business()
    vat = factories.tax_rate()
    client = factories.client()
    product = api.post("products", {"name": "Support", "unit_price": "90", "unit_code": "hur"})
    assert product.status == 201, product.body
    assert product.body["unit_code"] == "HUR"
    assert api.post(
        "products", {"name": "X", "unit_price": "1", "unit_code": "H"}
    ).field_paths() == ["unit_code"]
    line = {"description": "Support", "quantity": "2", "unit_price": "90", "tax_ids": [vat.pk]}
    draft = api.post(
        "invoices",
        {
            "client_id": client.pk,
            "lines": [
                {**line, "product_id": product.body["id"]},
                {**line, "product_id": product.body["id"], "unit_code": "DAY"},
                line,
            ],
        },
    )
    assert draft.status == 201, draft.body
    assert [row["unit_code"] for row in draft.body["lines"]] == ["HUR", "DAY", ""]


# -- Invoices --------------------------------------------------------------------------------------


@pytest.fixture
def rates() -> dict[str, Any]:
    factories.business()
    return {"standard": factories.tax_rate("VAT", "20"), "reduced": factories.tax_rate("VAT", "7")}


def charged_draft(client_id: int, rates: dict[str, Any]) -> dict[str, Any]:
    """A line with a 5 % charge, a price per 100 units, a freight charge of the 7 % rate only and a
    loyalty allowance of the 20 % rate only."""
    return {
        "client_id": client_id,
        "order_reference": "PO-4711",
        "lines": [
            {
                "description": "Consulting",
                "quantity": "10",
                "unit_price": "90",
                "unit_code": "HUR",
                "tax_ids": [rates["standard"].pk],
                "adjustments": [
                    {"charge": True, "kind": "percent", "value": "5", "reason": "Express"}
                ],
            },
            {
                "description": "Screws",
                "quantity": "250",
                "unit_price": "12.50",
                "base_quantity": "100",
                "unit_code": "C62",
                "tax_ids": [rates["reduced"].pk],
            },
        ],
        "adjustments": [
            {
                "charge": True,
                "value": "20.00",
                "reason_code": "FC",
                "tax_rate_id": rates["reduced"].pk,
            },
            {
                "kind": "percent",
                "value": "10",
                "reason": "Loyalty",
                "reason_code": "95",
                "tax_rate_id": rates["standard"].pk,
            },
        ],
    }


def engine_totals(rates: dict[str, Any]) -> money.Totals:
    """The same invoice computed by the money engine directly."""
    s20, s7 = money.Tax("VAT", D(20)), money.Tax("VAT", D(7))
    return money.compute_totals(
        [
            money.Line(
                D(10),
                D(90),
                (s20,),
                adjustments=(money.Adjustment(True, money.DiscountKind.PERCENT, D(5)),),
            ),
            money.Line(D(250), D("12.50"), (s7,), base_quantity=D(100)),
        ],
        "EUR",
        adjustments=(
            money.Adjustment(True, money.DiscountKind.AMOUNT, D(20), taxes=(s7,)),
            money.Adjustment(False, money.DiscountKind.PERCENT, D(10), taxes=(s20,)),
        ),
    )


def test_line_and_document_charges_and_a_base_quantity_give_the_engines_figures(
    api: Api, rates: dict[str, Any]
) -> None:
    client = factories.client(buyer_reference="LEITWEG-1")
    draft = api.post("invoices", charged_draft(client.pk, rates))
    assert draft.status == 201, draft.body
    body = draft.body
    assert (body["buyer_reference"], body["order_reference"]) == ("LEITWEG-1", "PO-4711")
    consulting, screws = body["lines"]
    assert consulting["amount"] == "945.00"
    assert consulting["adjustments"] == [
        {
            "charge": True,
            "kind": "percent",
            "value": "5",
            "reason": "Express",
            "reason_code": "",
            "amount": "45.00",
        }
    ]
    assert (screws["base_quantity"], screws["amount"]) == ("100", "31.25")
    assert [entry["amount"] for entry in body["adjustments"]] == ["20.00", "94.50"]
    assert body["adjustments"][0]["tax_rate_id"] == rates["reduced"].pk
    assert body["totals"] == {
        "subtotal": "976.25",
        "discount": "0.00",
        "allowance_total": "94.50",
        "charge_total": "20.00",
        "net_total": "901.75",
        "tax_total": "173.69",
        "total": "1075.44",
        "taxes": [
            {"name": "VAT", "rate": "7", "base": "51.25", "tax": "3.59"},
            {"name": "VAT", "rate": "20", "base": "850.50", "tax": "170.10"},
        ],
    }

    issued = api.post(f"invoices/{body['id']}/issue", {})
    assert issued.status == 200, issued.body
    assert issued.body["totals"] == body["totals"]
    invoice = Invoice.objects.get(pk=body["id"])
    expected = engine_totals(rates)
    assert money.totals_from_json(invoice.snapshot["totals"]) == expected
    assert invoice.total == expected.total == D("1075.44")
    assert money.document_totals(expected).allowance_total == D("94.50")
    assert invoice.snapshot["adjustments"][1]["reason_code"] == "95"
    assert invoice.snapshot["lines"][1]["base_quantity"] == "100.000"


def test_a_new_drafts_buyer_reference_may_differ_from_the_clients(
    api: Api, rates: dict[str, Any]
) -> None:
    client = factories.client(buyer_reference="FROM-CLIENT")
    body = {**charged_draft(client.pk, rates), "buyer_reference": "OWN"}
    assert api.post("invoices", body).body["buyer_reference"] == "OWN"


def test_patching_adjustments_replaces_them_and_recomputes(api: Api, rates: dict[str, Any]) -> None:
    client = factories.client()
    draft = api.post("invoices", charged_draft(client.pk, rates)).body
    spread = {"value": "9.75", "reason": "Goodwill"}
    answer = api.patch(f"invoices/{draft['id']}", {"adjustments": [spread]})
    assert answer.status == 200, answer.body
    assert [entry["tax_rate_id"] for entry in answer.body["adjustments"]] == [None]
    # 9.75 spread over 945.00 and 31.25 in proportion: 9.44 and 0.31.
    bases = [row["base"] for row in answer.body["totals"]["taxes"]]
    assert bases == ["30.94", "935.56"]
    assert answer.body["totals"]["net_total"] == "966.50"


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"adjustments": [{"value": "5"}]}, "adjustments.0.reason"),
        ({"adjustments": [{"value": "5", "reason_code": "FC"}]}, "adjustments.0.reason_code"),
        (
            {"adjustments": [{"kind": "percent", "value": "120", "reason": "x"}]},
            "adjustments.0.value",
        ),
        ({"adjustments": [{"value": "0.001", "reason": "x"}]}, "adjustments.0.value"),
        ({"adjustments": [{"value": "5000", "reason": "x"}]}, "adjustments"),
    ],
)
def test_a_wrong_document_adjustment_is_refused_naming_it(
    api: Api, rates: dict[str, Any], change: dict[str, Any], path: str
) -> None:
    client = factories.client()
    draft = api.post("invoices", charged_draft(client.pk, rates)).body
    answer = api.patch(f"invoices/{draft['id']}", change)
    assert answer.status == 422, answer.body
    assert answer.field_paths() == [path]
    assert len(Invoice.objects.get(pk=draft["id"]).adjustments) == 2


def test_an_adjustment_names_a_tax_rate_of_the_lines(api: Api, rates: dict[str, Any]) -> None:
    client = factories.client()
    other = factories.tax_rate("VAT", "10")
    body = charged_draft(client.pk, rates)
    body["adjustments"][0]["tax_rate_id"] = other.pk
    answer = api.post("invoices", body)
    assert answer.status == 422
    assert answer.field_paths() == ["adjustments.0.tax_rate_id"]
    assert "No line carries" in answer.error["fields"][0]["message"]
    # Lines changed later must still carry it.
    draft = api.post("invoices", charged_draft(client.pk, rates)).body
    lines = charged_draft(client.pk, rates)["lines"][:1]
    answer = api.patch(f"invoices/{draft['id']}", {"lines": lines})
    assert answer.status == 422
    assert answer.field_paths() == ["adjustments.0.tax_rate_id"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"unit_code": "HOUR"}, "lines.0.unit_code"),
        ({"unit_code": "H!"}, "lines.0.unit_code"),
        ({"base_quantity": "0"}, "lines.0.base_quantity"),
        ({"base_quantity": "0.0001"}, "lines.0.base_quantity"),
        ({"adjustments": [{"value": "1"}]}, "lines.0.adjustments.0.reason"),
        (
            {"adjustments": [{"charge": True, "value": "1", "reason_code": "95"}]},
            "lines.0.adjustments.0.reason_code",
        ),
        ({"adjustments": [{"value": "2000", "reason": "Too much"}]}, "lines.0.adjustments"),
        (
            {"adjustments": [{"kind": "percent", "value": "-1", "reason": "x"}]},
            "lines.0.adjustments.0.value",
        ),
    ],
)
def test_a_wrong_line_field_is_refused_naming_it(
    api: Api, rates: dict[str, Any], change: dict[str, Any], path: str
) -> None:
    client = factories.client()
    body = charged_draft(client.pk, rates)
    body["lines"][0] = {**body["lines"][0], **change}
    answer = api.post("invoices", body)
    assert answer.status == 422, answer.body
    assert answer.field_paths() == [path]
    assert not Invoice.objects.exists()


def test_a_credit_note_shows_the_lines_unit_codes_and_base_quantities(
    api: Api, rates: dict[str, Any]
) -> None:
    client = factories.client()
    draft = api.post("invoices", charged_draft(client.pk, rates)).body
    issued = api.post(f"invoices/{draft['id']}/issue", {}).body
    screws = issued["lines"][1]
    note = api.post(
        "credit-notes",
        {
            "invoice_id": draft["id"],
            "lines": [{"invoice_line_id": screws["id"], "quantity": "100"}],
        },
    )
    assert note.status == 201, note.body
    (line,) = note.body["lines"]
    assert (line["unit_code"], line["base_quantity"], line["amount"]) == ("C62", "100", "12.50")
