"""From the invoice page: issue, PDF, payments, credit notes, and the audit trail shown."""

from __future__ import annotations

import io
from decimal import Decimal

from django.test import Client as WebClient
from django.urls import reverse
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import CreditNote, Invoice, InvoiceStatus, Payment
from tests.fixtures import factories


def page_of(invoice: Invoice) -> str:
    return reverse("billing:invoice", args=[invoice.pk])


def action(invoice: Invoice, name: str) -> str:
    return reverse(f"billing:invoice_{name}", args=[invoice.pk])


def test_issuing_from_the_page_gives_the_next_number(as_owner: WebClient, owner: User) -> None:
    invoice = factories.draft(owner)
    response = as_owner.post(action(invoice, "issue"), {"issue_date": "2026-03-02"})
    assert response["Location"] == page_of(invoice)
    invoice.refresh_from_db()
    assert invoice.number == "INV-2026-0001" and invoice.status == InvoiceStatus.ISSUED
    html = as_owner.get(page_of(invoice)).content.decode()
    assert "Invoice INV-2026-0001" in html and "Record a payment" in html
    assert "Issued" in html and "owner@example.com" in html  # the trail: what and who


def test_a_foreign_currency_invoice_asks_for_its_exchange_rate_beside_the_field(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.draft(owner, currency="USD")
    response = as_owner.post(action(invoice, "issue"), {"issue_date": "", "exchange_rate": ""})
    assert response.status_code == 400
    assert (
        "Enter the exchange rate from USD to EUR"
        in response.context["issue_form"].errors["exchange_rate"][0]
    )
    invoice.refresh_from_db()
    assert invoice.is_draft and invoice.number == ""
    assert as_owner.post(action(invoice, "issue"), {"exchange_rate": "0.92"}).status_code == 302


def test_a_draft_without_lines_is_not_issued_and_says_why(as_owner: WebClient, owner: User) -> None:
    invoice = factories.draft(owner, lines=[])
    response = as_owner.post(action(invoice, "issue"), {})
    assert response.status_code == 400
    assert "Add at least one line before issuing." in response.content.decode()


def test_the_pdf_downloads_with_the_number_client_and_total(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    response = as_owner.get(action(invoice, "pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert invoice.number in text and "Globex Corporation" in text and "€432.00" in text


def test_partial_then_full_payment_moves_the_status_to_paid(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    pay = {"date": "2026-03-05", "method": "bank_transfer", "reference": "TX1"}
    as_owner.post(action(invoice, "pay"), pay | {"amount": "132"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID and invoice.balance_due == 300
    as_owner.post(action(invoice, "pay"), pay | {"amount": "300.00"})
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and invoice.balance_due == 0


def test_a_payment_above_the_balance_is_refused_beside_the_amount(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    pay = {"date": "2026-03-05", "method": "cash", "amount": "432.01"}
    response = as_owner.post(action(invoice, "pay"), pay)
    assert response.status_code == 400
    error = response.context["payment_form"].errors["amount"][0]
    assert error.startswith("The balance due is 432.00 EUR")
    assert not Payment.objects.exists()
    response = as_owner.post(action(invoice, "pay"), pay | {"amount": "1.005"})
    assert (
        "EUR amounts have 2 decimals at most." in response.context["payment_form"].errors["amount"]
    )


def test_deleting_a_payment_restores_the_balance(as_owner: WebClient, owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    payment = services.record_payment(invoice, amount="100", by=owner)
    as_owner.post(reverse("billing:payment_delete", args=[payment.pk]))
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("432.00") and invoice.status == InvoiceStatus.ISSUED


def test_a_credit_note_for_chosen_quantities_reduces_the_balance(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    first_line = invoice.snapshot["lines"][0]["id"] if invoice.snapshot else 0
    form_page = as_owner.get(action(invoice, "credit"))
    assert form_page.status_code == 200 and "Design work" in form_page.content.decode()
    data = {
        "scope": "lines",
        "reason": "One hour too many",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "2",
        "lines-0-line_id": str(first_line),
        "lines-0-quantity": "1",
        "lines-1-line_id": str(invoice.snapshot["lines"][1]["id"] if invoice.snapshot else 0),
        "lines-1-quantity": "",
    }
    assert as_owner.post(action(invoice, "credit"), data).status_code == 302
    note = CreditNote.objects.get()
    assert note.total == Decimal("96.00")
    invoice.refresh_from_db()
    assert invoice.balance_due == Decimal("336.00")
    assert note.number in as_owner.get(page_of(invoice)).content.decode()
    pdf = as_owner.get(reverse("billing:credit_note_pdf", args=[note.pk]))
    assert pdf.content.startswith(b"%PDF-")


def test_crediting_more_than_remains_is_refused_beside_the_line(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    lines = invoice.snapshot["lines"] if invoice.snapshot else []
    data = {
        "scope": "lines",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "2",
        "lines-0-line_id": str(lines[0]["id"]),
        "lines-0-quantity": "",
        "lines-1-line_id": str(lines[1]["id"]),
        "lines-1-quantity": "2",
    }
    response = as_owner.post(action(invoice, "credit"), data)
    assert response.status_code == 400
    formset = response.context["lines"]
    assert formset.forms[1].errors["quantity"] == ["Only 1 of this line can still be credited."]
    assert not CreditNote.objects.exists()


def test_crediting_the_whole_invoice_clears_it(as_owner: WebClient, owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    data = {"scope": "all", "reason": "", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}
    as_owner.post(action(invoice, "credit"), data)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.CREDITED and invoice.balance_due == 0


def test_marking_as_sent_is_recorded_in_the_trail(as_owner: WebClient, owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    as_owner.post(action(invoice, "sent"))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.SENT
    html = as_owner.get(page_of(invoice)).content.decode()
    # The history names statuses by their labels, in the reader's language.
    assert "Issued → Sent" in html
