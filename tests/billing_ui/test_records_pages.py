"""Clients with contacts, products, and the owner's settings and users, through their pages."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing.models import BusinessProfile, Client, NumberSeries, Product, TaxRate
from tests.fixtures import factories
from tests.fixtures.forms import client_post

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_client_is_created_with_its_primary_contact(as_owner: WebClient) -> None:
    response = as_owner.post(reverse("billing:client_new"), client_post(currency="USD"))
    client = Client.objects.get()
    assert response["Location"] == reverse("billing:client", args=[client.pk])
    assert client.currency == "USD"
    assert client.primary_contact is not None
    assert client.primary_contact.email == "bill@initech.example"
    assert "bill@initech.example" in as_owner.get(response["Location"]).content.decode()


def test_client_errors_appear_beside_the_fields_and_nothing_is_written(
    as_owner: WebClient,
) -> None:
    data = client_post(name="", **{"contacts-0-email": "not-an-email"})
    response = as_owner.post(reverse("billing:client_new"), data)
    assert response.status_code == 400
    assert "name" in response.context["form"].errors
    assert "email" in response.context["contacts"].forms[0].errors
    assert not Client.objects.exists()


def test_a_client_with_invoices_is_archived_and_one_without_is_deleted(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    lonely = factories.client("Lonely Ltd")
    as_owner.post(reverse("billing:client_archive", args=[invoice.client_id]))
    as_owner.post(reverse("billing:client_archive", args=[lonely.pk]))
    assert Client.objects.get().archived
    listed = as_owner.get(reverse("billing:clients")).context["page"]
    assert list(listed) == []
    archived = as_owner.get(reverse("billing:clients"), {"archived": "1"}).context["page"]
    assert [c.name for c in archived] == ["Globex Corporation"]


def test_a_product_is_saved_with_its_default_taxes(as_owner: WebClient) -> None:
    vat = factories.tax_rate()
    data = {"name": "Hosting", "unit": "month", "unit_price": "15.5", "default_taxes": [vat.pk]}
    assert as_owner.post(reverse("billing:product_new"), data).status_code == 302
    product = Product.objects.get()
    assert product.unit_price == Decimal("15.5") and list(product.default_taxes.all()) == [vat]
    bad = as_owner.post(reverse("billing:product_new"), data | {"unit_price": "-1"})
    assert bad.status_code == 400 and "unit_price" in bad.context["form"].errors


def test_the_owner_sets_up_the_business_with_a_logo_stored_in_the_database(
    as_owner: WebClient,
) -> None:
    data = {
        "name": "Acme Design",
        "address": "1 Rue",
        "base_currency": "EUR",
        "default_payment_terms_days": "14",
        "time_zone": "Europe/Paris",
        "locale": "en",
        "payment_means_code": "58",
        "einvoice_format": "pdf",
        "logo_file": SimpleUploadedFile("logo.png", PNG, content_type="image/png"),
    }
    assert as_owner.post(reverse("billing:settings"), data).status_code == 302
    profile = BusinessProfile.load()
    assert profile.name == "Acme Design" and bytes(profile.logo or b"") == PNG
    logo = as_owner.get(reverse("billing:logo"))
    assert logo["Content-Type"] == "image/png" and logo.content == PNG


def test_a_file_that_is_not_an_image_is_refused_as_a_logo(as_owner: WebClient) -> None:
    data = {
        "name": "Acme",
        "base_currency": "EUR",
        "default_payment_terms_days": "14",
        "time_zone": "Europe/Paris",
        "locale": "en",
        "payment_means_code": "58",
        "einvoice_format": "pdf",
        "logo_file": SimpleUploadedFile("logo.png", b"MZ not an image", content_type="image/png"),
    }
    response = as_owner.post(reverse("billing:settings"), data)
    assert response.status_code == 400
    assert "logo_file" in response.context["form"].errors
    assert not BusinessProfile.load().logo


def test_tax_rates_outside_0_to_100_or_too_precise_are_refused_beside_the_rate(
    as_owner: WebClient,
) -> None:
    for rate in ("120", "9.9751", "-1"):
        response = as_owner.post(
            reverse("billing:tax_rate_new"), {"name": "X", "rate": rate, "category": "S"}
        )
        assert response.status_code == 400 and "rate" in response.context["form"].errors
    data = {"name": "QST", "rate": "9.975", "active": "on", "category": "S"}
    assert as_owner.post(reverse("billing:tax_rate_new"), data).status_code == 302
    assert TaxRate.objects.get().rate == Decimal("9.975")


def test_a_tax_rate_in_use_is_not_deleted(as_owner: WebClient, owner: User) -> None:
    factories.issued_invoice(owner)
    vat = TaxRate.objects.get()
    response = as_owner.post(reverse("billing:setting_delete", args=["tax-rates", vat.pk]))
    assert response.status_code == 302 and TaxRate.objects.exists()


def test_a_number_series_pattern_is_checked_and_the_default_is_handed_over(
    as_owner: WebClient,
) -> None:
    data = {"name": "Export", "kind": "invoice", "pattern": "EX-{SEQ:4}", "reset": "yearly"}
    bad = as_owner.post(reverse("billing:series_new"), data)
    assert bad.status_code == 400 and "pattern" in bad.context["form"].errors
    first = {"name": "Main", "kind": "invoice", "pattern": "A-{SEQ:3}", "reset": "never"}
    as_owner.post(reverse("billing:series_new"), first | {"is_default": "on"})
    second = data | {"pattern": "EX-{YYYY}-{SEQ:4}", "is_default": "on"}
    assert as_owner.post(reverse("billing:series_new"), second).status_code == 302
    assert NumberSeries.objects.get(is_default=True).name == "Export"


def test_the_owner_creates_a_user_who_can_sign_in(as_owner: WebClient) -> None:
    data = {
        "full_name": "Nina New",
        "email": "Nina@Example.com",
        "password": "a-long-pass-phrase-7",
    }
    assert as_owner.post(reverse("users:new"), data).status_code == 302
    nina = User.objects.get(email="nina@example.com")
    assert nina.check_password("a-long-pass-phrase-7") and nina.is_active and not nina.is_owner
    weak = as_owner.post(reverse("users:new"), data | {"email": "x@example.com", "password": "123"})
    assert weak.status_code == 400 and "password" in weak.context["form"].errors


def test_the_owner_deactivates_and_promotes_users_but_not_themselves(
    as_owner: WebClient, owner: User, colleague: User
) -> None:
    change = "users:change"
    as_owner.post(reverse(change, args=[colleague.pk, "make-owner"]))
    colleague.refresh_from_db()
    assert colleague.is_owner
    as_owner.post(reverse(change, args=[colleague.pk, "deactivate"]))
    colleague.refresh_from_db()
    assert not colleague.is_active
    response = as_owner.post(reverse(change, args=[owner.pk, "deactivate"]), follow=True)
    assert "You cannot deactivate your own account." in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active
