"""A credit note is a document of its own: its tax per rate is its own base x rate, rounded.

Reproduced through the real interfaces (the credit-note page, the API and the PDF), with an
invoice whose 50.00 document discount does not split evenly: 2 x 800.00 and 102.00 at 19 % VAT.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing import services
from invoicetron.billing.models import CreditNote, Invoice
from invoicetron.billing.money import round_to_minor_unit
from tests.fixtures import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def business(db: None) -> None:
    factories.business()


def discounted_invoice(owner: User) -> Invoice:
    vat = factories.tax_rate("VAT", "19")
    lines = [
        factories.line("Consulting day", "1", "800.00", [vat]),
        factories.line("Consulting day", "1", "800.00", [vat]),
        factories.line("Travel", "1", "102.00", [vat]),
    ]
    draft = factories.draft(owner, lines=lines, discount_type="amount", discount_value="50.00")
    return services.issue_invoice(draft, by=owner)


def line_ids(invoice: Invoice) -> list[int]:
    assert invoice.snapshot is not None
    return [row["id"] for row in invoice.snapshot["lines"]]


def assert_each_tax_is_its_base_times_its_rate(note: CreditNote) -> None:
    taxes = note.snapshot["totals"]["taxes"]
    assert taxes
    for row in taxes:
        expected = round_to_minor_unit(
            Decimal(row["base"]) * Decimal(row["rate"]) / 100, note.currency
        )
        assert Decimal(row["tax"]) == expected, row
    assert note.tax_total == sum(Decimal(row["tax"]) for row in taxes)
    assert note.total == note.net_total + note.tax_total


def pdf_amounts(data: bytes) -> dict[str, Decimal]:
    """The credit note PDF's tax rows and totals, read back from its text."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    row = re.search(r"VAT 19 %\s*([\d,.]+)\s+([\d,.]+)", text)
    net = re.search(r"Net total\s*([\d,.]+)", text)
    tax = re.search(r"Tax total\s*([\d,.]+)", text)
    assert row and net and tax, text

    def value(found: str) -> Decimal:
        return Decimal(found.replace(",", ""))

    return {
        "base": value(row[1]),
        "tax": value(row[2]),
        "net": value(net[1]),
        "tax_total": value(tax[1]),
    }


def test_a_credit_from_the_page_charges_19_percent_of_its_own_base(
    owner: User, client: HttpClient
) -> None:
    invoice = discounted_invoice(owner)
    client.force_login(owner)
    rows = line_ids(invoice)
    posted = client.post(
        f"/invoices/{invoice.pk}/credit/",
        {
            "scope": "lines",
            "reason": "One day cancelled",
            "lines-TOTAL_FORMS": "3",
            "lines-INITIAL_FORMS": "3",
            "lines-0-line_id": rows[0],
            "lines-0-quantity": "1",
            "lines-1-line_id": rows[1],
            "lines-1-quantity": "",
            "lines-2-line_id": rows[2],
            "lines-2-quantity": "",
        },
    )
    assert posted.status_code == 302, posted.content.decode()
    note = CreditNote.objects.get(invoice=invoice)
    assert_each_tax_is_its_base_times_its_rate(note)
    assert (note.net_total, note.tax_total) == (Decimal("776.50"), Decimal("147.54"))
    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "924.04" in page  # the note's total on the invoice page
    printed = pdf_amounts(client.get(f"/credit-notes/{note.pk}/pdf/").content)
    assert printed == {
        "base": Decimal("776.50"),
        "tax": Decimal("147.54"),
        "net": Decimal("776.50"),
        "tax_total": Decimal("147.54"),
    }


def test_a_credit_through_the_api_charges_19_percent_of_its_own_base(owner: User) -> None:
    invoice = discounted_invoice(owner)
    token = create_token(owner, "credit test").secret
    api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    created = api.post(
        "/api/v1/credit-notes",
        {
            "invoice_id": invoice.pk,
            "lines": [{"invoice_line_id": line_ids(invoice)[1], "quantity": "1"}],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = api.get(f"/api/v1/credit-notes/{created.json()['id']}").json()
    base = Decimal(body["net_total"])
    assert Decimal(body["tax_total"]) == round_to_minor_unit(base * Decimal("0.19"), "EUR")
    assert Decimal(body["total"]) == base + Decimal(body["tax_total"])
    assert_each_tax_is_its_base_times_its_rate(CreditNote.objects.get(pk=body["id"]))
    pdf = api.get(f"/api/v1/credit-notes/{body['id']}/pdf")
    printed = pdf_amounts(pdf.content)
    assert (printed["net"], printed["tax_total"]) == (base, Decimal(body["tax_total"]))
    assert printed["tax"] == round_to_minor_unit(printed["base"] * Decimal("0.19"), "EUR")


def test_crediting_every_line_in_several_notes_adds_up_to_the_invoice(owner: User) -> None:
    invoice = discounted_invoice(owner)
    token = create_token(owner, "credit test").secret
    api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    first, second, third = line_ids(invoice)
    bodies = []
    for lines in ([first], [second], [third]):
        credit = [{"invoice_line_id": line, "quantity": "1"} for line in lines]
        answer = api.post(
            "/api/v1/credit-notes",
            {"invoice_id": invoice.pk, "lines": credit},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        bodies.append(answer.json())
    for body in bodies:
        assert_each_tax_is_its_base_times_its_rate(CreditNote.objects.get(pk=body["id"]))
    # The last note takes the remainder of the base: the notes' bases are the invoice's.
    assert sum(Decimal(body["net_total"]) for body in bodies) == invoice.net_total
    bases = [CreditNote.objects.get(pk=body["id"]).snapshot["totals"]["taxes"] for body in bodies]
    assert sum(Decimal(rows[0]["base"]) for rows in bases) == Decimal(
        invoice.snapshot["totals"]["taxes"][0]["base"]
    )
    # Each note rounds its own tax, so three notes may be a cent or two from the invoice's tax
    # (money rule 8); the invoice is closed all the same, owing nothing.
    residue = sum(Decimal(body["tax_total"]) for body in bodies) - invoice.tax_total
    assert abs(residue) <= Decimal("0.02")
    after = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert (after["status"], after["balance_due"]) == ("credited", "0.00")


def test_one_note_for_the_whole_invoice_reproduces_its_figures(owner: User) -> None:
    invoice = discounted_invoice(owner)
    token = create_token(owner, "credit test").secret
    api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    answer = api.post(
        "/api/v1/credit-notes", {"invoice_id": invoice.pk}, content_type="application/json"
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["net_total"], body["tax_total"], body["total"]) == (
        "1652.00",
        "313.88",
        "1965.88",
    )
    note = CreditNote.objects.get(pk=body["id"])
    assert note.snapshot["totals"]["taxes"] == invoice.snapshot["totals"]["taxes"]


@pytest.mark.parametrize(
    ("price", "invoice_tax", "notes_tax"),
    [
        ("0.02", "0.01", "0.00"),  # each note's tax rounds down, the invoice's rounds up
        ("0.03", "0.01", "0.02"),  # each note's tax rounds up, the invoice's once
    ],
)
def test_the_last_note_closes_the_invoice_whatever_the_rounding_of_the_notes(
    owner: User, price: str, invoice_tax: str, notes_tax: str
) -> None:
    vat = factories.tax_rate("VAT", "19")
    lines = [factories.line("Stamp", "1", price, [vat]), factories.line("Stamp", "1", price, [vat])]
    invoice = services.issue_invoice(factories.draft(owner, lines=lines), by=owner)
    assert invoice.tax_total == Decimal(invoice_tax)
    token = create_token(owner, "credit test").secret
    api = HttpClient(headers={"Authorization": f"Bearer {token}"})
    for line in line_ids(invoice):
        answer = api.post(
            "/api/v1/credit-notes",
            {"invoice_id": invoice.pk, "lines": [{"invoice_line_id": line, "quantity": "1"}]},
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
    notes = CreditNote.objects.filter(invoice=invoice)
    assert sum(note.tax_total for note in notes) == Decimal(notes_tax)
    for note in notes:
        assert_each_tax_is_its_base_times_its_rate(note)
    after = api.get(f"/api/v1/invoices/{invoice.pk}").json()
    assert (after["status"], after["balance_due"]) == ("credited", "0.00")


def test_the_invoice_page_and_pdf_show_the_rounding_that_closed_it(
    owner: User, client: HttpClient
) -> None:
    vat = factories.tax_rate("VAT", "19")
    lines = [factories.line("Stamp", "1", "0.02", [vat]) for _ in range(2)]
    invoice = services.issue_invoice(factories.draft(owner, lines=lines), by=owner)
    for line in line_ids(invoice):
        services.create_credit_note(invoice, by=owner, lines=[services.CreditLine(line, "1")])
    client.force_login(owner)
    page = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert re.search(r"Credit-note rounding.*?-0\.01", page, re.S), page
    pdf = client.get(f"/invoices/{invoice.pk}/pdf/").content
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert re.search(r"Credit-note rounding\s*-0\.01", text), text
    assert re.search(r"Balance due\s*€0\.00", text), text  # the PDF writes money the CLDR way
