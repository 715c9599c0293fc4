"""Issue #19's "Done means", languages, in Chromium: the owner switches the UI to German, creates a
client in France whose document language is French, issues an invoice of more than 1 000 € to it,
downloads its PDF and emails it through the real worker to a real SMTP server on loopback. The PDF
and the email are French with French number and date formats; the owner's screens stay German."""

from __future__ import annotations

import datetime
import functools
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from babel.dates import get_month_names
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing.models import Client, Invoice
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in
from tests.fixtures.jobs import start_in_thread
from tests.fixtures.smtp import MailServer, pdf_attachments

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("job_tables"),
]

# French (CLDR) writes a narrow no-break space between thousands and a no-break space before "€".
NNBSP, NBSP = "\u202f", "\xa0"
CONTACT = "compta@dupont.example"


def in_french(day: datetime.date) -> str:
    """A date as a French invoice writes it: "7 décembre 2026" (the month's name from CLDR)."""
    return f"{day.day} {get_month_names('wide', locale='fr')[day.month]} {day.year}"


def pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks and runs of plain spaces as one space; the no-break spaces
    inside French figures are kept (str.split() would take them for separators)."""
    assert data.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"[ \n]+", " ", text)


def switch_the_ui_to_german(page: Any) -> None:
    page.get_by_role("link", name="Olivia Owner").click()
    page.get_by_role("heading", name="Your settings").wait_for()
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Ihre Einstellungen").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"


def a_french_client(page: Any, base: str) -> Client:
    """Created in the German UI: a company in France writing French, paying in 30 days."""
    page.locator("nav.nav").get_by_role("link", name="Kunden").click()
    page.get_by_role("link", name="Neuer Kunde").click()
    page.locator("#id_name").fill("Société Dupont")
    page.get_by_label("Rechnungsadresse").fill("12 rue de Rivoli\n75001 Paris")
    page.get_by_label("Zahlungsziel (Tage)").fill("30")
    page.get_by_label("Land", exact=True).select_option("FR")
    page.get_by_label("Dokumentsprache").select_option(label="Français")
    page.locator('[name="contacts-0-name"]').fill("Claire Dupont")
    page.locator('[name="contacts-0-email"]').fill(CONTACT)
    page.get_by_role("button", name="Kunde speichern").click()
    page.get_by_role("heading", name="Société Dupont").wait_for()
    client = Client.objects.get(name="Société Dupont")
    assert (client.country, client.language) == ("FR", "fr")
    return client


def issue_an_invoice(page: Any, base: str) -> Invoice:
    """1 028.75 € at 20 % TVA: 205.75 € of tax, 1 234.50 € in all (over 1 000: a thousands
    separator)."""
    page.goto(f"{base}/invoices/new/")
    page.get_by_label("Kunde", exact=True).select_option(label="Société Dupont")
    row = page.locator("#lines fieldset.line").nth(0)
    row.locator('[name="lines-0-description"]').fill("Conseil en stratégie")
    row.locator('[name="lines-0-quantity"]').fill("1")
    row.locator('[name="lines-0-unit_price"]').fill("1028.75")
    row.get_by_label("TVA 20 %", exact=True).check()
    page.get_by_role("button", name="Entwurf speichern").click()
    page.get_by_role("heading", name="Rechnungsentwurf").wait_for()
    page.get_by_role("button", name="Rechnung ausstellen").click()
    heading = page.get_by_role("heading", level=1).filter(has_text=re.compile(r"INV-\d{4}-0001"))
    heading.wait_for()
    invoice = Invoice.objects.get()
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        Decimal("1028.75"),
        Decimal("205.75"),
        Decimal("1234.50"),
    )
    assert invoice.due_date == invoice.issue_date + datetime.timedelta(days=30)
    return invoice


def the_owners_page_is_german(page: Any, invoice: Invoice) -> None:
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.get_by_role("heading", level=1).inner_text() == f"Rechnung {invoice.number}"
    assert page.get_by_role("row", name=re.compile("^Offener Betrag")).is_visible()
    assert page.get_by_role("link", name="PDF herunterladen").is_visible()
    assert page.locator("nav.nav > a").all_inner_texts()[:2] == ["Start", "Rechnungen"]


def french_figures_and_dates(text: str, invoice: Invoice) -> None:
    """What a French invoice PDF says about `invoice` (1 234,50 € in all)."""
    assert "Facture" in text and "Invoice" not in text and "Rechnung" not in text
    assert f"Date {in_french(invoice.issue_date)}" in text
    assert f"Échéance {in_french(invoice.due_date)}" in text
    assert f"Conseil en stratégie 1 1{NNBSP}028,75 TVA 20 % 1{NNBSP}028,75" in text
    assert (
        f"Sous-total 1{NNBSP}028,75 Total HT 1{NNBSP}028,75 Total TVA 205,75 "
        f"Total 1{NNBSP}234,50{NBSP}€ Reste à payer 1{NNBSP}234,50{NBSP}€"
    ) in text
    assert "1.234,50" not in text and "1,234.50" not in text
    assert (
        f"Merci de régler avant le {in_french(invoice.due_date)} "
        f"en indiquant la référence {invoice.number}."
    ) in text


def download_the_pdf(page: Any, folder: Path) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF herunterladen").click()
    saved = folder / "facture.pdf"
    download.value.save_as(saved)
    return saved.read_bytes()


def email_it(page: Any, smtp: MailServer) -> Any:
    """ "Per E-Mail senden", then one pass of the real worker; the message the server received."""
    page.get_by_role("button", name="Per E-Mail senden").click()
    page.get_by_text(f"E-Mail an {CONTACT} in die Warteschlange gestellt.").wait_for()
    # The worker runs asyncio.run(); Playwright's sync API keeps a loop in this thread.
    worker = start_in_thread(functools.partial(run_worker, once=True))
    worker.join(timeout=120)
    assert not worker.is_alive()
    [received] = smtp.received
    assert received.recipients == [CONTACT]
    return received.message


def test_a_german_owner_issues_a_french_invoice_to_a_french_client(
    live_server: Any, page: Any, owner: User, mail_server: MailServer, tmp_path: Path
) -> None:
    factories.business()
    factories.tax_rate("TVA", "20")
    base = live_server.url
    page.set_default_timeout(15_000)
    sign_in(page, base)
    switch_the_ui_to_german(page)
    a_french_client(page, base)
    invoice = issue_an_invoice(page, base)
    the_owners_page_is_german(page, invoice)
    screenshot(page, "done-19-01-german-owner-french-invoice")

    downloaded = pdf_text(download_the_pdf(page, tmp_path))
    french_figures_and_dates(downloaded, invoice)

    message = email_it(page, mail_server)
    assert message["Subject"] == f"Facture {invoice.number} de Acme Studio"
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert body.startswith("Bonjour Société Dupont,")
    assert f"d\N{RIGHT SINGLE QUOTATION MARK}un montant de 1{NNBSP}234,50{NBSP}€" in body
    assert f"à régler au plus tard le {in_french(invoice.due_date)}." in body
    assert "Merci," in body and "Rechnung" not in body and "Invoice" not in body
    [(filename, attached)] = pdf_attachments(message)
    assert invoice.number in filename
    attached_text = pdf_text(attached)
    french_figures_and_dates(attached_text, invoice)
    assert attached_text == downloaded  # the very document the owner downloaded

    page.reload()
    the_owners_page_is_german(page, invoice)
    assert (
        page.locator(".deliveries .badge").first.inner_text() == "Gesendet"
    )  # the email: "email status" context
    screenshot(page, "done-19-02-emailed-owner-still-german")
