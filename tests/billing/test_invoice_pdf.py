"""The PDFs open, and say the right number, client and totals."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing import pdf, services
from invoicetron.billing.models import BusinessProfile, Client
from tests.fixtures import factories


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture(autouse=True)
def business(db: None) -> None:
    factories.business()


def test_an_issued_invoice_pdf_shows_number_client_totals_and_balance(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="132", by=owner)
    text = pdf_text(pdf.render_invoice_pdf(invoice))
    assert invoice.number in text
    assert "Globex Corporation" in text
    assert "€432.00" in text  # total
    assert "€300.00" in text  # balance due after the partial payment
    assert "VAT 20 %" in text
    assert "IBAN FR76" in text  # payment instructions


def test_an_issued_invoice_pdf_comes_from_its_snapshot(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    Client.objects.filter(pk=invoice.client_id).update(name="Renamed Later Inc")
    profile = BusinessProfile.load()
    profile.name = "New Trading Name"
    profile.save()
    text = pdf_text(pdf.render_invoice_pdf(invoice))
    assert "Globex Corporation" in text and "Acme Studio" in text
    assert "Renamed Later" not in text and "New Trading Name" not in text


def test_a_draft_pdf_is_marked_draft(owner: User) -> None:
    text = pdf_text(pdf.render_invoice_pdf(factories.draft(owner)))
    assert "DRAFT" in text
    assert "€432.00" in text


def test_a_credit_note_pdf_names_the_invoice_it_credits(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    note = services.create_credit_note(invoice, by=owner, reason="Duplicate order")
    text = pdf_text(pdf.render_credit_note_pdf(note))
    assert note.number in text and invoice.number in text
    assert "Duplicate order" in text
    assert "€432.00" in text


def test_rendering_fetches_nothing_from_the_network() -> None:
    fetcher = pdf.OfflineFetcher()
    for url in ("https://example.com/logo.png", "file:///etc/passwd", "ftp://host/x"):
        with pytest.raises(ValueError, match="fetches nothing"):
            fetcher.fetch(url)
