"""Quote drafts from the pages: the document discount, draft PDFs, duplicating."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as WebClient
from django.urls import reverse
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing.models import TaxRate
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.quotes.services import accept_quote, convert_to_invoice, send_quote
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line


@pytest.fixture
def vat(db: None) -> TaxRate:
    factories.business()
    return factories.tax_rate("VAT", "20")


def quote_post(vat: TaxRate, **header: Any) -> dict[str, Any]:
    data = invoice_post(
        factories.client(),
        [line("Website design", "10", "80", [vat]), line("Hosting", "1", "120", [vat])],
        valid_until="",
        **header,
    )
    del data["series"], data["issue_date"], data["due_date"]
    return data


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_quote_takes_a_document_discount_through_to_pdf_and_invoice(
    as_owner: WebClient, owner: User, vat: TaxRate
) -> None:
    data = quote_post(vat, discount_type="percent", discount_value="10")
    response = as_owner.post(reverse("quotes:new"), data)
    quote = Quote.objects.get()
    assert response.status_code == 302
    # 920 - 10 % = 828.00 net, 165.60 VAT
    assert (quote.discount_type, quote.discount_value) == ("percent", Decimal("10"))
    assert quote.total == Decimal("993.60")
    page = as_owner.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert "\N{MINUS SIGN}92.00 EUR" in page and "993.60 EUR" in page
    edit = as_owner.get(reverse("quotes:edit", args=[quote.pk])).content.decode()
    assert 'name="discount_value" value="10"' in edit

    sent = send_quote(quote, by=owner, email=False)
    text = pdf_text(as_owner.get(reverse("quotes:pdf", args=[sent.pk])).content)
    assert "92.00" in text and "993.60" in text
    invoice = convert_to_invoice(accept_quote(sent, via="user"), by=owner)
    assert invoice.total == Decimal("993.60")
    assert (invoice.discount_type, invoice.discount_value) == ("percent", Decimal("10"))


def test_an_impossible_quote_discount_is_shown_beside_its_field(
    as_owner: WebClient, vat: TaxRate
) -> None:
    data = quote_post(vat, discount_type="percent", discount_value="120")
    response = as_owner.post(reverse("quotes:new"), data)
    assert response.status_code == 400
    assert "cannot exceed 100" in response.content.decode()
    assert not Quote.objects.exists()


def test_a_draft_quote_has_a_pdf_marked_draft(as_owner: WebClient, vat: TaxRate) -> None:
    as_owner.post(reverse("quotes:new"), quote_post(vat))
    quote = Quote.objects.get()
    page = as_owner.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    assert reverse("quotes:pdf", args=[quote.pk]) in page
    response = as_owner.get(reverse("quotes:pdf", args=[quote.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "DRAFT" in text and "Website design" in text and "1,104.00" in text
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.DRAFT and quote.number == "" and quote.snapshot is None


def test_a_sent_quote_is_duplicated_into_a_new_draft(
    as_owner: WebClient, owner: User, vat: TaxRate
) -> None:
    as_owner.post(reverse("quotes:new"), quote_post(vat, discount_type="amount", notes="Hi"))
    original = send_quote(Quote.objects.get(), by=owner, email=False)
    page = as_owner.get(reverse("quotes:detail", args=[original.pk])).content.decode()
    assert reverse("quotes:duplicate", args=[original.pk]) in page
    response = as_owner.post(reverse("quotes:duplicate", args=[original.pk]))
    copy = Quote.objects.exclude(pk=original.pk).get()
    assert response["Location"] == reverse("quotes:edit", args=[copy.pk])
    assert copy.status == QuoteStatus.DRAFT and copy.number == "" and copy.valid_until is None
    assert (copy.client, copy.currency, copy.notes) == (original.client, "EUR", "Hi")
    assert copy.total == original.total
    assert [(x.description, x.quantity) for x in copy.lines.all()] == [
        (x.description, x.quantity) for x in original.lines.all()
    ]
    assert [list(x.taxes.all()) for x in copy.lines.all()] == [[vat], [vat]]


def test_duplicating_a_quote_needs_a_signed_in_post(client: WebClient, vat: TaxRate) -> None:
    from invoicetron.quotes.services import create_quote

    quote = create_quote(client=factories.client(), by=None, lines=[factories.line()])
    url = reverse("quotes:duplicate", args=[quote.pk])
    assert client.post(url).status_code == 302
    assert Quote.objects.count() == 1
