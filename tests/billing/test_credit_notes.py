from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, InvoiceStatus
from invoicetron.billing.services import CreditLine
from tests.fixtures import factories


@pytest.fixture(autouse=True)
def business(db: None) -> None:
    factories.business()


def line_ids(invoice: Invoice) -> list[int]:
    assert invoice.snapshot is not None
    return [row["id"] for row in invoice.snapshot["lines"]]


def test_a_whole_credit_note_clears_the_invoice(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    note = services.create_credit_note(invoice, by=owner, reason="Cancelled order")
    invoice.refresh_from_db()
    assert note.number.startswith("CN-") and note.number.endswith("-0001")
    assert note.total == invoice.total == Decimal("432.00")
    assert (invoice.status, invoice.balance_due) == (InvoiceStatus.CREDITED, Decimal("0.00"))


def test_a_partial_credit_reduces_the_balance_by_its_total(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    design = line_ids(invoice)[0]  # 3 hours at 80, 20 % VAT
    note = services.create_credit_note(invoice, by=owner, lines=[CreditLine(design, "1")])
    invoice.refresh_from_db()
    assert (note.net_total, note.tax_total, note.total) == (
        Decimal("80.00"),
        Decimal("16.00"),
        Decimal("96.00"),
    )
    assert invoice.balance_due == Decimal("336.00")
    assert services.remaining_quantities(invoice)[design] == Decimal("2")


def test_partial_credits_with_a_document_discount_add_up_to_the_invoice(owner: User) -> None:
    vat, reduced = factories.tax_rate(), factories.tax_rate("VAT", "5.5")
    lines = [
        factories.line("A", "3", "33.33", [vat]),
        factories.line("B", "7", "12.99", [reduced]),
        factories.line("C", "1", "0.01", [vat, reduced]),
    ]
    invoice = factories.draft(owner, lines=lines, discount_type="amount", discount_value="17.77")
    invoice = services.issue_invoice(invoice, by=owner)
    first, second, third = line_ids(invoice)
    notes = [
        services.create_credit_note(invoice, by=owner, lines=[CreditLine(first, "1")]),
        services.create_credit_note(
            invoice, by=owner, lines=[CreditLine(second, "2.5"), CreditLine(third, "1")]
        ),
        services.create_credit_note(invoice, by=owner),  # everything that remains
    ]
    invoice.refresh_from_db()
    assert sum(note.total for note in notes) == invoice.total
    assert sum(note.tax_total for note in notes) == invoice.tax_total
    assert invoice.balance_due == 0


def test_crediting_more_than_remains_is_refused_on_the_line(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    design = line_ids(invoice)[0]
    with pytest.raises(ValidationError) as refused:
        services.create_credit_note(invoice, by=owner, lines=[CreditLine(design, "3.5")])
    assert refused.value.message_dict["lines-0-quantity"] == [
        "Only 3 of this line can still be credited."
    ]
    assert not invoice.credit_notes.exists()


def test_a_credit_above_the_balance_due_puts_the_surplus_on_the_clients_credit(
    owner: User,
) -> None:
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="400", by=owner)
    services.create_credit_note(invoice, by=owner)  # 432.00, of which 32.00 was still due
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.balance_due) == (Decimal(0), Decimal(0))
    assert invoice.status == InvoiceStatus.CREDITED
    [balance] = services.credit_balances(invoice.client)
    assert (balance.currency, balance.balance) == ("EUR", Decimal("400.00"))


def test_drafts_are_not_credited(owner: User) -> None:
    with pytest.raises(ValidationError):
        services.create_credit_note(factories.draft(owner), by=owner)
