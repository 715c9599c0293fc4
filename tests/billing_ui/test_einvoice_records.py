"""The e-invoice data of the business, clients, tax rates and products, via their pages (#17)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.billing.models import BusinessProfile, Client, Product, TaxRate
from tests.fixtures import factories
from tests.fixtures.forms import client_post, field_errors

VALID_DE_VAT = "DE136695976"


def business_post(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Acme Studio GmbH",
        "address": "",
        "base_currency": "EUR",
        "default_payment_terms_days": "14",
        "time_zone": "Europe/Berlin",
        "locale": "en",
        "street": "Hauptstraße 1",
        "street_2": "Hinterhaus",
        "postcode": "10115",
        "city": "Berlin",
        "subdivision": "",
        "country": "DE",
        "tax_id": "de 136 695 976",
        "registration_id": "HRB 123456 B",
        "endpoint_scheme": "9930",
        "endpoint_id": "136695976",
        "payment_means_code": "58",
        "iban": "de89 3704 0044 0532 0130 00",
        "bic": "deutdeff",
        "einvoice_format": "facturx",
        **fields,
    }


def test_the_owner_fills_in_the_e_invoicing_part_of_the_business_profile(
    as_owner: WebClient,
) -> None:
    page = as_owner.get(reverse("billing:settings")).content.decode()
    assert "<legend>E-invoicing</legend>" in page
    assert '<option value="DE">Germany (DE)</option>' in page
    assert '<option value="9930">9930: VAT number (Germany)</option>' in page

    response = as_owner.post(reverse("billing:settings"), business_post())
    assert response.status_code == 302, response.context["form"].errors
    profile = BusinessProfile.load()
    assert (profile.street, profile.street_2, profile.postcode, profile.city, profile.country) == (
        "Hauptstraße 1",
        "Hinterhaus",
        "10115",
        "Berlin",
        "DE",
    )
    # Identifiers are stored in their compact, checked form.
    assert profile.tax_id == VALID_DE_VAT
    assert (profile.endpoint_scheme, profile.endpoint_id) == ("9930", VALID_DE_VAT)
    assert (profile.iban, profile.bic) == ("DE89370400440532013000", "DEUTDEFF")
    assert (profile.registration_id, profile.einvoice_format) == ("HRB 123456 B", "facturx")
    shown = as_owner.get(reverse("billing:settings")).content.decode()
    assert 'value="DE89370400440532013000"' in shown and 'value="HRB 123456 B"' in shown


def test_a_tax_number_without_a_country_prefix_is_kept_as_typed(as_owner: WebClient) -> None:
    """A US EIN or a German Steuernummer is not a VAT id, but an owner must still save it."""
    response = as_owner.post(reverse("billing:settings"), business_post(tax_id="12-3456789"))
    assert response.status_code == 302
    assert BusinessProfile.load().tax_id == "12-3456789"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tax_id", "DE123456789", "DE123456789 is not a valid DE VAT id"),
        ("tax_id", "DE1", "Start the VAT id with its two-letter country code"),
        ("country", "XX", "Select a valid choice"),
        ("iban", "DE89 3704 0044 0532 0130 01", "This is not a valid IBAN"),
        ("bic", "DEUT", "A BIC has 8 or 11 characters"),
        ("endpoint_id", "", "Enter the identifier of this scheme."),
        ("endpoint_scheme", "1234", "Select a valid choice"),
        ("iban", "", "E-invoices paid by credit transfer must name the account"),
        ("einvoice_format", "xml", "Select a valid choice"),
    ],
)
def test_a_wrong_e_invoice_field_of_the_business_is_refused_beside_it(
    as_owner: WebClient, field: str, value: str, message: str
) -> None:
    before = BusinessProfile.load().name
    response = as_owner.post(reverse("billing:settings"), business_post(**{field: value}))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message in field_errors(response.content.decode(), f"id_{field}").replace("&#x27;", "'")
    assert BusinessProfile.load().name == before


def test_a_plain_pdf_business_needs_no_iban_and_a_gln_endpoint_is_checked(
    as_owner: WebClient,
) -> None:
    data = business_post(iban="", bic="", einvoice_format="pdf", endpoint_scheme="0088")
    bad = as_owner.post(reverse("billing:settings"), data | {"endpoint_id": "4000001000006"})
    assert bad.status_code == 400
    assert bad.context["form"].errors["endpoint_id"] == ["This is not a valid 13-digit GLN."]
    good = as_owner.post(reverse("billing:settings"), data | {"endpoint_id": "4000001000005"})
    assert good.status_code == 302
    profile = BusinessProfile.load()
    assert (profile.endpoint_scheme, profile.endpoint_id, profile.iban) == (
        "0088",
        "4000001000005",
        "",
    )


def test_a_client_gets_its_address_ids_electronic_address_and_buyer_reference(
    as_owner: WebClient,
) -> None:
    fields = {
        "billing_address": "",
        "street": "Rue de la Loi 16",
        "postcode": "1000",
        "city": "Bruxelles",
        "country": "BE",
        "tax_id": "BE 0403.019.261",
        "registration_id": "0403019261",
        "endpoint_scheme": "EM",
        "endpoint_id": "invoices@client.example",
        "buyer_reference": "04011000-1234512345-06",
    }
    page = as_owner.get(reverse("billing:client_new")).content.decode()
    assert "Leitweg-ID" in page and "<legend>E-invoicing</legend>" in page
    response = as_owner.post(reverse("billing:client_new"), client_post(**fields))
    assert response.status_code == 302
    client = Client.objects.get()
    assert (client.tax_id, client.country, client.city) == ("BE0403019261", "BE", "Bruxelles")
    assert (client.endpoint_scheme, client.endpoint_id) == ("EM", "invoices@client.example")
    assert client.buyer_reference == "04011000-1234512345-06"
    detail = as_owner.get(response["Location"]).content.decode()
    assert "Rue de la Loi 16<br>1000 Bruxelles<br>Belgium" in detail
    assert "<dd>EM: invoices@client.example</dd>" in detail
    assert "<dd>04011000-1234512345-06</dd>" in detail

    bad = as_owner.post(
        reverse("billing:client_edit", args=[client.pk]),
        client_post(**fields | {"endpoint_id": "not an address", "tax_id": "BE0403019262"}),
    )
    assert bad.status_code == 400
    errors = bad.context["form"].errors
    assert errors["endpoint_id"] == ["Enter the email address e-invoices go to."]
    assert errors["tax_id"][0].startswith("BE0403019262 is not a valid BE VAT id")
    client.refresh_from_db()
    assert client.endpoint_id == "invoices@client.example"


def tax_post(**fields: str) -> dict[str, str]:
    return {"name": "Reverse charge", "rate": "0", "active": "on", "category": "AE"} | fields


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({}, "exemption_reason", "needs an exemption reason"),
        ({"rate": "19", "exemption_reason_code": "VATEX-EU-AE"}, "rate", "has a rate of 0"),
        ({"exemption_reason_code": "VATEX-EU-IC"}, "exemption_reason_code", "VATEX-EU-AE"),
        ({"exemption_reason_code": "AE"}, "exemption_reason_code", "is not a VATEX code"),
        (
            {"category": "S", "rate": "19", "exemption_reason": "Exempt"},
            "exemption_reason",
            "does not: clear it",
        ),
        ({"category": "S"}, "rate", "A standard rate (S) is above 0"),
        ({"category": "X"}, "category", "Select a valid choice"),
    ],
)
def test_a_tax_rate_category_and_its_exemption_reason_are_checked_together(
    as_owner: WebClient, fields: dict[str, str], field: str, message: str
) -> None:
    response = as_owner.post(reverse("billing:tax_rate_new"), tax_post(**fields))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not TaxRate.objects.exists()


def test_tax_rates_of_each_kind_are_saved_with_their_category_and_reason(
    as_owner: WebClient,
) -> None:
    page = as_owner.get(reverse("billing:tax_rate_new")).content.decode()
    assert '<option value="AE">AE: VAT reverse charge</option>' in page
    reverse_charge = tax_post(exemption_reason_code="vatex-eu-ae")
    exempt = tax_post(name="Exempt", category="E", exemption_reason="Article 132 exemption")
    standard = {"name": "VAT", "rate": "19", "active": "on", "category": "S"}
    for data in (reverse_charge, exempt, standard):
        assert as_owner.post(reverse("billing:tax_rate_new"), data).status_code == 302
    rates = {rate.name: rate for rate in TaxRate.objects.all()}
    assert rates["Reverse charge"].exemption_reason_code == "VATEX-EU-AE"
    assert (rates["Exempt"].category, rates["Exempt"].exemption_reason) == (
        "E",
        "Article 132 exemption",
    )
    assert (rates["VAT"].category, rates["VAT"].exemption_reason_code) == ("S", "")
    listed = as_owner.get(reverse("billing:tax_rates")).content.decode()
    assert '<abbr title="AE: VAT reverse charge">AE</abbr> · VATEX-EU-AE' in listed


def product_post(**fields: str) -> dict[str, str]:
    return {"name": "Consulting", "unit": "hour", "unit_price": "90"} | fields


def test_a_product_takes_a_listed_unit_code_or_another_well_formed_one(
    as_owner: WebClient,
) -> None:
    page = as_owner.get(reverse("billing:product_new")).content.decode()
    assert '<option value="HUR">HUR: hour</option>' in page
    assert '<option value="" selected>From the unit text (hour → HUR…)</option>' in page
    assert 'aria-describedby="id_unit_code_other_helptext" id="id_unit_code_other">' in page
    response = as_owner.post(reverse("billing:product_new"), product_post(unit_code="HUR"))
    assert response.status_code == 302
    assert Product.objects.get().unit_code == "HUR"

    other = product_post(name="Service pack", unit_code="other", unit_code_other="e48")
    assert as_owner.post(reverse("billing:product_new"), other).status_code == 302
    pack = Product.objects.get(name="Service pack")
    assert pack.unit_code == "E48"
    edit = as_owner.get(reverse("billing:product_edit", args=[pack.pk])).content.decode()
    assert '<option value="other" selected>' in edit and 'value="E48"' in edit


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit_code": "other", "unit_code_other": "hours"}, "Ensure this value has at most 3"),
        ({"unit_code": "other", "unit_code_other": "h-1"}, "2 or 3 capital letters or digits"),
        ({"unit_code": "other", "unit_code_other": ""}, "2 or 3 capital letters or digits"),
        ({"unit_code": "HUR", "unit_code_other": "E48"}, 'Choose "Other code…" above'),
    ],
)
def test_a_wrong_unit_code_is_refused_beside_the_other_code_box(
    as_owner: WebClient, fields: dict[str, str], message: str
) -> None:
    response = as_owner.post(reverse("billing:product_new"), product_post(**fields))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors["unit_code_other"])
    assert not Product.objects.exists()


def test_the_edit_pages_show_the_stored_e_invoice_values(as_owner: WebClient) -> None:
    client = factories.client(country="FR", buyer_reference="PO-BOX-7", endpoint_scheme="EM")
    page = as_owner.get(reverse("billing:client_edit", args=[client.pk])).content.decode()
    assert '<option value="FR" selected>France (FR)</option>' in page
    assert 'value="PO-BOX-7"' in page
    assert '<option value="EM" selected>EM: email address</option>' in page
