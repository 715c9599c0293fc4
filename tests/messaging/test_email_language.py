"""An email about a document speaks its language: the built-in text translated, or the owner's
template for that language; amounts and dates the locale's way. Through a real SMTP server."""

from __future__ import annotations

import datetime
import io

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.automation.worker import run_worker
from invoicetron.billing import services
from invoicetron.billing.models import Invoice
from invoicetron.messaging.models import EmailTemplate, MessageKind
from invoicetron.messaging.placeholders import names
from invoicetron.messaging.services import queue_email, save_template
from invoicetron.messaging.templates import default_template, render_pair, validate_template
from tests.fixtures import factories
from tests.fixtures.smtp import MailServer, pdf_attachments

pytestmark = pytest.mark.usefixtures("job_tables")
NNBSP, NBSP = "\u202f", "\xa0"


def french_invoice(owner: User, language: str = "fr") -> Invoice:
    factories.business()
    client = factories.client("Société Dupont", email="compta@dupont.example", language=language)
    lines = [factories.line("Conseil", "1", "1028.75", [factories.tax_rate()])]
    draft = factories.draft(owner, for_client=client, lines=lines)
    return services.issue_invoice(draft, by=owner, issue_date=datetime.date(2026, 3, 15))


def test_the_email_to_a_french_client_is_french_with_its_pdf_in_french(
    owner: User, mail_server: MailServer
) -> None:
    invoice = french_invoice(owner)
    queue_email(invoice, by=owner)
    run_worker(once=True)
    [received] = mail_server.received
    assert received.message["Subject"] == f"Facture {invoice.number} de Acme Studio"
    body = received.message.get_body().get_content()
    assert body.startswith("Bonjour Société Dupont,")
    assert f"d\N{RIGHT SINGLE QUOTATION MARK}un montant de 1{NNBSP}234,50{NBSP}€" in body
    assert "à régler au plus tard le 14 avril 2026." in body  # Django's French date format
    assert "Vous pouvez aussi la consulter en ligne" in body and "Merci," in body
    [(_name, pdf)] = pdf_attachments(received.message)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Facture" in text and f"1{NNBSP}234,50{NBSP}€" in text


def test_the_owners_template_for_a_language_is_used_for_that_language_only(
    owner: User, mail_server: MailServer
) -> None:
    save_template(
        MessageKind.INVOICE,
        language="fr",
        subject="Votre facture {{ number }} ({{ total }})",
        body="Cher client, {{ balance_due }}.",
        by=owner,
    )
    french = french_invoice(owner)
    german = services.issue_invoice(
        factories.draft(owner, for_client=factories.client("Müller GmbH", language="de")),
        by=owner,
    )
    queue_email(french, by=owner)
    queue_email(german, by=owner)
    run_worker(once=True)
    # (The header is folded as encoded words: the parser keeps the fold's leading space.)
    subjects = sorted(received.message["Subject"].strip() for received in mail_server.received)
    assert subjects == [
        f"Rechnung {german.number} von Acme Studio",  # no German template: the default, German
        f"Votre facture {french.number} (1{NNBSP}234,50{NBSP}€)",
    ]


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("kind", MessageKind.values)
def test_every_translated_default_is_a_valid_template_that_renders(
    kind: str, language: str
) -> None:
    subject, body = default_template(kind, language)
    validate_template(kind, subject, body)  # only the kind's placeholders, tags and filters
    if language != "en":
        assert (subject, body) != default_template(kind, "en")  # translated, not English
    values = {name: "X" for name in names(kind)} | {"days": 3, "link": "https://x.example"}
    rendered_subject, rendered_body = render_pair(subject, body, values)
    assert "{" not in rendered_subject + rendered_body and "https://x.example" in rendered_body


def test_the_template_pages_edit_each_language_on_its_own(owner: User, db: None) -> None:
    factories.business(locale="de_DE")
    browser = HttpClient()
    browser.force_login(owner)
    listing = browser.get(reverse("messaging:templates")).content.decode()
    assert "?language=fr" in listing and "Facture {{ number }} de {{ business_name }}" in listing
    url = reverse("messaging:template", args=["invoice"])
    page = browser.get(url).content.decode()  # the business's language (German) by default
    assert "Rechnung {{ number }} von {{ business_name }}" in page
    answer = browser.post(
        f"{url}?language=es", {"subject": "Factura {{ number }}", "body": "Hola {{ client_name }}"}
    )
    assert answer.status_code == 302
    saved = EmailTemplate.objects.get()
    assert (saved.kind, saved.language, saved.subject) == ("invoice", "es", "Factura {{ number }}")
    assert browser.get(f"{url}?language=xx").status_code == 404
