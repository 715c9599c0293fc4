"""Deleting a payment, a tax rate or a series asks first: GET shows what goes, POST deletes."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import NumberSeries, Payment, TaxRate
from tests.fixtures import factories


def test_the_invoice_page_links_a_payment_to_its_confirmation_instead_of_deleting_it(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    payment = services.record_payment(invoice, amount="100", by=owner, reference="BANK-42")
    url = reverse("billing:payment_delete", args=[payment.pk])
    html = as_owner.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert f'<a href="{url}">Delete</a>' in html
    assert f'action="{url}"' not in html  # no one-click form any more


def test_opening_a_payments_delete_address_shows_it_and_deletes_nothing(
    as_colleague: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    payment = services.record_payment(invoice, amount="100", by=owner, reference="BANK-42")
    response = as_colleague.get(reverse("billing:payment_delete", args=[payment.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete this payment?" in html
    assert "100.00 EUR" in html and "BANK-42" in html and invoice.number in html
    assert "332.00 EUR" in html  # the balance due now, which the payment's amount goes back to
    assert '<button type="submit" class="danger">Delete payment</button>' in html
    assert Payment.objects.filter(pk=payment.pk).exists()


def test_confirming_deletes_the_payment_and_restores_the_balance(
    as_colleague: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    payment = services.record_payment(invoice, amount="100", by=owner)
    response = as_colleague.post(reverse("billing:payment_delete", args=[payment.pk]))
    assert response["Location"] == reverse("billing:invoice", args=[invoice.pk])
    assert not Payment.objects.filter(pk=payment.pk).exists()
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("432.00")


def test_the_tax_rates_page_links_each_rate_to_its_confirmation(as_owner: WebClient) -> None:
    tax = factories.tax_rate("Reduced", "5.5")
    url = reverse("billing:setting_delete", args=["tax-rates", tax.pk])
    html = as_owner.get(reverse("billing:tax_rates")).content.decode()
    assert f'<a href="{url}">Delete</a>' in html
    assert f'action="{url}"' not in html


def test_opening_a_tax_rates_delete_address_shows_it_and_deletes_nothing(
    as_owner: WebClient,
) -> None:
    tax = factories.tax_rate("Reduced", "5.5")
    response = as_owner.get(reverse("billing:setting_delete", args=["tax-rates", tax.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Delete the tax rate Reduced 5.5 %?" in html
    assert '<button type="submit" class="danger">Delete tax rate</button>' in html
    assert TaxRate.objects.filter(pk=tax.pk).exists()


def test_confirming_deletes_an_unused_tax_rate(as_owner: WebClient) -> None:
    tax = factories.tax_rate("Reduced", "5.5")
    response = as_owner.post(
        reverse("billing:setting_delete", args=["tax-rates", tax.pk]), follow=True
    )
    assert response.redirect_chain == [(reverse("billing:tax_rates"), 302)]
    assert "Reduced 5.5 % is deleted." in response.content.decode()
    assert not TaxRate.objects.filter(pk=tax.pk).exists()


def test_a_tax_rate_in_use_is_kept_and_the_page_says_why(as_owner: WebClient, owner: User) -> None:
    factories.issued_invoice(owner)  # its lines use VAT 20 %
    tax = factories.tax_rate()
    url = reverse("billing:setting_delete", args=["tax-rates", tax.pk])
    assert "deactivate it instead" in as_owner.get(url).content.decode()  # said before the click
    response = as_owner.post(url, follow=True)
    assert "This tax rate is in use; deactivate it instead." in response.content.decode()
    assert TaxRate.objects.filter(pk=tax.pk).exists()


def test_a_number_series_is_deleted_after_the_same_confirmation(as_owner: WebClient) -> None:
    series = NumberSeries.objects.create(name="Spare", kind="invoice", pattern="S-{SEQ:3}")
    url = reverse("billing:setting_delete", args=["series", series.pk])
    assert f'<a href="{url}">Delete</a>' in as_owner.get(reverse("billing:series")).content.decode()
    assert "Delete the number series Spare (S-{SEQ:3})?" in as_owner.get(url).content.decode()
    assert NumberSeries.objects.filter(pk=series.pk).exists()
    as_owner.post(url)
    assert not NumberSeries.objects.filter(pk=series.pk).exists()


def test_a_colleague_cannot_open_a_tax_rates_confirmation(as_colleague: WebClient) -> None:
    tax = factories.tax_rate("Reduced", "5.5")
    url = reverse("billing:setting_delete", args=["tax-rates", tax.pk])
    assert as_colleague.get(url).status_code == 403
