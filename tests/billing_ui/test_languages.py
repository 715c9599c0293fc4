"""The billing pages in the user's language (#19): German, French and Spanish, English by default.

The language comes from the language cookie, as LocaleMiddleware reads it (the user-language
middleware keeps honouring it). Amounts stay formatted as in English: locale formatting is a
separate change.
"""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line


def speaking(web: WebClient, language: str) -> WebClient:
    web.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return web


def issued_with(*lines: services.LineData) -> Invoice:
    return factories.issued_invoice(for_client=factories.client(name="Müller GmbH"), lines=lines)


def text(response: object) -> str:
    return unescape(response.content.decode())  # type: ignore[attr-defined]


def test_the_invoice_list_is_in_german(as_owner: WebClient) -> None:
    vat = factories.tax_rate("MwSt", "19")
    issued = issued_with(factories.line("Beratung", "2", "100", [vat]))
    factories.draft(for_client=factories.client(name="Schmidt AG"))
    page = text(speaking(as_owner, "de").get(reverse("billing:invoices")))
    assert "<h1>Rechnungen</h1>" in page
    assert "Neue Rechnung" in page and "Offener Betrag" in page and "Filtern" in page
    assert 'placeholder="Nummer oder Kunde"' in page
    assert "Entwurf" in page  # the draft's number and status
    assert issued.number in page and "238,00 EUR" in page  # amounts the German way
    assert "Balance due" not in page and "New invoice" not in page


def test_the_invoice_form_and_its_errors_are_in_german(as_owner: WebClient) -> None:
    web = speaking(as_owner, "de")
    form = text(web.get(reverse("billing:invoice_new")))
    assert "<h1>Neue Rechnung</h1>" in form
    assert "Entwurf speichern" in form and "Position hinzufügen" in form
    assert "Kunden wählen…" in form and "Fälligkeitsdatum" in form and "Nummernkreis" in form
    data = invoice_post(factories.client(), [line("Beratung", "-1", "10")])
    response = web.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    page = text(response)
    assert "Mengen dürfen auf einer Rechnung nicht negativ sein" in page
    assert "Quantities cannot be negative" not in page
    assert not Invoice.objects.exists()


def test_the_invoice_page_is_in_german(as_owner: WebClient) -> None:
    vat = factories.tax_rate("MwSt", "19")
    invoice = issued_with(factories.line("Beratung", "1", "100", [vat]))
    services.record_payment(invoice, by=None, amount="19.00", date=invoice.issue_date)
    page = text(speaking(as_owner, "de").get(reverse("billing:invoice", args=[invoice.pk])))
    assert f"Rechnung {invoice.number}" in page
    assert "Rechnungsempfänger" in page and "Positionen" in page and "Zwischensumme" in page
    assert "Zahlung erfassen" in page and "Verlauf" in page and "Ausgestellt" in page
    assert "PDF herunterladen" in page and "Gutschrift" in page
    assert "119,00 EUR" in page and "auf 100,00 EUR" in page  # the tax's base
    assert "Teilweise bezahlt" in page and "Überweisung" in page  # status and payment method
    # The history: the action, and the field names of the values it changed.
    assert "Zahlung erfasst" in page and "offener Betrag" in page and "119,00 → 100,00" in page
    assert "Ausgestellt → Teilweise bezahlt" in page and "— → Überweisung" in page
    assert "Bill to" not in page and "Record a payment" not in page


@pytest.mark.parametrize(
    ("language", "expected", "error"),
    [
        (
            "fr",
            ("Nouvelle facture", "Enregistrer le brouillon", "Choisissez un client…"),
            "Les quantités ne peuvent pas être négatives",
        ),
        (
            "es",
            ("Nueva factura", "Guardar borrador", "Elija un cliente…"),
            "Las cantidades no pueden ser negativas",
        ),
    ],
)
def test_the_invoice_form_speaks_french_and_spanish(
    as_owner: WebClient, language: str, expected: tuple[str, ...], error: str
) -> None:
    web = speaking(as_owner, language)
    form = text(web.get(reverse("billing:invoice_new")))
    assert all(words in form for words in expected), expected
    data = invoice_post(factories.client(), [line("Conseil", "-1", "10")])
    page = text(web.post(reverse("billing:invoice_new"), data))
    assert error in page


def test_a_payment_message_is_in_the_users_language(as_owner: WebClient) -> None:
    invoice = issued_with(factories.line("Conseil", "1", "50"))
    web = speaking(as_owner, "fr")
    data = {"amount": "50.00", "date": "2026-12-01", "method": "cash", "reference": ""}
    response = web.post(reverse("billing:invoice_pay", args=[invoice.pk]), data, follow=True)
    page = text(response)
    assert "Paiement de 50,00 EUR enregistré." in page
    assert "Payée" in page  # the status badge
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal(0)


def test_english_stays_the_default(as_owner: WebClient) -> None:
    page = text(as_owner.get(reverse("billing:invoice_new")))
    assert "<h1>New invoice</h1>" in page and "Save draft" in page
