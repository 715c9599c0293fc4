"""The public page speaks its document's language, whatever the visitor's browser asks for."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import Client as Browser

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.services import issue_invoice, record_payment
from invoicetron.portal.services import create_link
from tests.fixtures import factories
from tests.fixtures.forms import path_of, text_of

NNBSP, NBSP = "\u202f", "\xa0"


def test_a_french_clients_invoice_page_is_in_french_with_french_figures(owner: User) -> None:
    factories.business(show_base_currency_totals=True)
    client = factories.client("Société Dupont", language="fr")
    lines = [factories.line("Conseil", "1", "1028.75", [factories.tax_rate()])]
    draft = factories.draft(owner, for_client=client, lines=lines, currency="USD")
    invoice = issue_invoice(
        draft, by=owner, issue_date=datetime.date(2026, 3, 15), exchange_rate="0.9"
    )
    record_payment(invoice, amount="234.50", by=owner)
    _link, url = create_link(invoice, by=owner)

    page = Browser().get(path_of(url), headers={"accept-language": "de-DE,de;q=0.9"})
    html = page.content.decode()
    text = text_of(html)
    assert f"Facture {invoice.number}" in text and "De Acme Studio · 15 mars 2026" in text
    assert f"1{NNBSP}234,50{NBSP}$US" in html  # CLDR's French spaces (text_of collapses them)
    assert "Total 1 234,50 $US" in text and "Reste à payer 1 000,00 $US" in text
    assert "Merci de régler 1" in text and "avant le 14 avril 2026" in text
    assert "Télécharger le PDF" in text and "Rechnung" not in text
    # The base-currency totals at the invoice's rate, as money computes them (rule 9).
    base = money.in_base_currency(
        money.totals_from_json(invoice.snapshot["totals"]), Decimal("0.9"), "EUR"
    )
    assert (base.net_total, base.tax_total) == (Decimal("925.88"), Decimal("185.18"))
    assert "En EUR, au taux de 1 USD = 0,9 EUR" in text
    assert "Total HT 925,88 € Total TVA 185,18 € Total 1 111,06 €" in text
