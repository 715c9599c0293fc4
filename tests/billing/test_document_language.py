"""Documents in the client's language, with its locale's amounts, numbers and dates (#19).

The PDFs are real (WeasyPrint) and read back with pypdf."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as HttpClient
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing import locales, money, pdf, services
from invoicetron.billing.forms.parties import ClientForm
from invoicetron.billing.forms.setup import BusinessProfileForm
from invoicetron.billing.models import BusinessProfile, Client, Invoice
from invoicetron.einvoicing.build import from_invoice
from tests.fixtures import factories
from tests.fixtures.api import Api
from tests.fixtures.forms import text_of

ISSUED = datetime.date(2026, 3, 15)
NNBSP, NBSP = "\u202f", "\xa0"  # CLDR's French group separator; the space before €


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(autouse=True)
def business(db: None) -> BusinessProfile:
    return factories.business(locale="en_GB")


def invoice_for(owner: User, language: str, *, country: str = "", **fields: object) -> Invoice:
    """An invoice of 1,234.50 EUR (1,028.75 + 20 % VAT) to a client speaking `language`."""
    client = factories.client(f"Client {language or 'default'}", language=language, country=country)
    vat = factories.tax_rate()
    lines = [factories.line("Conseil", "1", "1028.75", [vat])]
    draft = factories.draft(owner, for_client=client, lines=lines, **fields)
    return services.issue_invoice(draft, by=owner, issue_date=ISSUED)


def test_a_french_clients_invoice_pdf_is_in_french_with_french_figures(owner: User) -> None:
    invoice = invoice_for(owner, "fr")
    assert invoice.total == Decimal("1234.50")
    text = pdf_text(pdf.render_invoice_pdf(invoice))
    assert "Facture" in text and "Total" in text and "Reste à payer" in text
    assert "15 mars 2026" in text  # the issue date, with the French month name
    assert f"1{NNBSP}234,50{NBSP}€" in text  # the total and the balance due
    assert "PRIX UNITAIRE" in text  # the columns' headings (capitals by the style sheet)
    assert f"1{NNBSP}028,75" in text  # the unit price and line amount, grouped the French way
    assert "page 1 sur 1" in text  # the page footer
    assert "Invoice" not in text and "Balance due" not in text


def test_a_german_clients_invoice_pdf_is_in_german_with_german_figures(owner: User) -> None:
    text = pdf_text(pdf.render_invoice_pdf(invoice_for(owner, "de")))
    assert "Rechnung" in text and "Gesamtbetrag" in text
    assert "15. März 2026" in text
    assert f"1.234,50{NBSP}€" in text
    assert "VAT 20 %" in text  # the tax's own name, the rate written the German way


def test_a_client_without_a_language_reads_the_business_locale(owner: User) -> None:
    invoice = invoice_for(owner, "")
    assert (invoice.snapshot["language"], invoice.snapshot["locale"]) == ("en", "en_GB")
    text = pdf_text(pdf.render_invoice_pdf(invoice))
    assert "Invoice" in text and "15 March 2026" in text and "€1,234.50" in text


def test_a_language_other_than_the_business_s_follows_the_clients_country(owner: User) -> None:
    invoice = invoice_for(owner, "fr", country="BE")
    assert invoice.snapshot["locale"] == "fr_BE"
    swiss = invoice_for(owner, "de", country="CH")
    assert swiss.snapshot["locale"] == "de_CH"
    text = pdf_text(pdf.render_invoice_pdf(swiss))
    # CLDR's Swiss German: the code before the amount, an apostrophe between thousands.
    assert f"EUR{NBSP}1{chr(39)}234.50" in text or f"EUR{NBSP}1\u2019234.50" in text


def test_changing_the_clients_language_after_issue_leaves_the_issued_pdf_alone(
    owner: User,
) -> None:
    invoice = invoice_for(owner, "fr")
    before = pdf_text(pdf.render_invoice_pdf(invoice))
    Client.objects.filter(pk=invoice.client_id).update(language="de")
    invoice = Invoice.objects.get(pk=invoice.pk)
    after = pdf_text(pdf.render_invoice_pdf(invoice))
    assert after == before and "Facture" in after and "Rechnung" not in after
    # A draft follows the client's current language.
    draft = factories.draft(owner, for_client=invoice.client)
    assert "Rechnung" in pdf_text(pdf.render_invoice_pdf(draft))


def test_a_credit_note_speaks_its_invoices_language(owner: User) -> None:
    invoice = invoice_for(owner, "es")
    note = services.create_credit_note(invoice, by=owner, reason="Pedido duplicado")
    text = pdf_text(pdf.render_credit_note_pdf(note))
    assert "Factura\nrectificativa" in text and "Total abonado" in text  # the title wraps
    assert f"1.234,50{NBSP}€" in text


def test_a_snapshot_from_before_languages_reads_as_the_business_default() -> None:
    assert locales.of_snapshot({"business": {"locale": "de_AT"}}) == locales.DocumentLocale(
        "de", "de_AT"
    )
    assert locales.of_snapshot({"business": {}}) == locales.DocumentLocale("en", "en")


def test_amounts_keep_their_currencys_minor_digits_in_every_locale() -> None:
    assert money.format_money(Decimal("1234.5"), "EUR", "en") == "€1,234.50"
    assert money.format_money(Decimal("1234.5"), "EUR", "de_DE") == f"1.234,50{NBSP}€"
    assert money.format_money(Decimal("1234.5"), "EUR", "fr_FR") == f"1{NNBSP}234,50{NBSP}€"
    assert money.format_money(Decimal("1234.4"), "JPY", "de_DE") == f"1.234{NBSP}¥"
    assert money.format_money(Decimal("-1.2345"), "BHD", "en") == "-BHD1.235"  # half-up


def test_the_business_locale_is_a_cldr_id_stored_normalised(business: BusinessProfile) -> None:
    business.locale = "de-at"
    business.full_clean()
    assert business.locale == "de_AT"
    business.locale = "xx_YY"
    with pytest.raises(ValidationError) as refused:
        business.full_clean()
    assert "e.g. en, en_GB, de_DE" in str(refused.value.message_dict["locale"])
    offered = dict(BusinessProfileForm().fields["locale"].choices)  # type: ignore[attr-defined]
    assert {"en", "en_GB", "en_US", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_BE"} <= set(offered)
    assert {"fr_CH", "es_ES", "es_MX"} <= set(offered)


def test_the_client_form_offers_the_languages_and_saves_one(db: None) -> None:
    data = {"name": "Société Dupont", "language": "fr", "currency": ""}
    form = ClientForm(data)
    assert form.is_valid(), form.errors
    assert form.save().language == "fr"
    refused = ClientForm({"name": "X", "language": "it"})
    assert not refused.is_valid() and "language" in refused.errors


def test_a_foreign_currency_invoice_shows_its_totals_in_the_base_currency(
    owner: User, business: BusinessProfile
) -> None:
    business.show_base_currency_totals = True
    business.save()
    client = factories.client("Initech", language="fr")
    vat = factories.tax_rate()
    lines = [factories.line("Consulting", "3", "333.33", [vat])]
    draft = factories.draft(owner, for_client=client, lines=lines, currency="USD")
    invoice = services.issue_invoice(draft, by=owner, issue_date=ISSUED, exchange_rate="0.9137")
    totals = money.totals_from_json(invoice.snapshot["totals"])
    base = money.in_base_currency(totals, Decimal("0.9137"), "EUR")
    text = pdf_text(pdf.render_invoice_pdf(invoice))
    assert "En EUR, au taux de 1 USD = 0,9137 EUR" in text
    for figure in (base.net_total, base.tax_total, base.total):
        assert money.format_money(figure, "EUR", "fr") in text
    assert money.format_money(invoice.total, "USD", "fr") in text
    # 999.99 USD net and 200.00 tax at 0.9137, each rounded (money rule 9): 913.69 + 182.74.
    assert (base.net_total, base.tax_total, base.total) == (
        Decimal("913.69"),
        Decimal("182.74"),
        Decimal("1096.43"),
    )


def test_without_the_option_no_base_currency_figures_are_shown(owner: User) -> None:
    client = factories.client("Initech")
    draft = factories.draft(owner, for_client=client, currency="USD")
    invoice = services.issue_invoice(draft, by=owner, exchange_rate="0.9")
    assert "at 1 USD" not in pdf_text(pdf.render_invoice_pdf(invoice))


def test_the_e_invoice_texts_for_people_are_in_the_documents_language(owner: User) -> None:
    factories.business(iban="FR7630006000011234567890189", country="FR")
    invoice = invoice_for(owner, "fr", country="FR")
    assert from_invoice(invoice).payment.terms == "À régler au plus tard le 14 avril 2026."


def test_the_invoice_page_shows_the_base_currency_totals_with_the_rate(
    owner: User, business: BusinessProfile
) -> None:
    business.show_base_currency_totals = True
    business.save()
    draft = factories.draft(owner, for_client=factories.client("Initech"), currency="USD")
    invoice = services.issue_invoice(draft, by=owner, exchange_rate="0.9137")
    browser = HttpClient()
    browser.force_login(owner)
    text = text_of(browser.get(f"/invoices/{invoice.pk}/").content.decode())
    totals = money.totals_from_json(invoice.snapshot["totals"])
    base = money.in_base_currency(totals, Decimal("0.9137"), "EUR")
    assert "In EUR, at 1 USD = 0.9137 EUR" in text
    assert f"Total {money.format_amount(base.total, 'EUR')}" in text


def test_the_api_reads_and_writes_a_clients_language_and_the_business_locale(api: Api) -> None:
    created = api.post("clients", {"name": "Société Dupont", "language": "fr"})
    assert created.status == 201 and created.body["language"] == "fr"
    refused = api.patch(f"clients/{created.body['id']}", {"language": "it"})
    assert refused.status == 422 and refused.field_paths() == ["language"]
    changed = api.patch("business", {"locale": "fr-be", "show_base_currency_totals": True})
    assert changed.status == 200, changed.body
    assert (changed.body["locale"], changed.body["show_base_currency_totals"]) == ("fr_BE", True)
    refused = api.patch("business", {"locale": "klingon"})
    assert refused.status == 422 and refused.field_paths() == ["locale"]
