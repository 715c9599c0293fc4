"""Refunds of payments, overpayments kept as client credit, credit applied and refunded: the
invoice's figures and status, the ledger and its balance, the audit trail (real PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import (
    AuditAction,
    AuditEvent,
    ClientCreditBalance,
    CreditEntry,
    CreditKind,
    Invoice,
    InvoiceStatus,
    Refund,
)
from tests.fixtures import factories
from tests.fixtures.threads import in_threads


def credit_of(invoice: Invoice, currency: str = "EUR") -> Decimal:
    row = ClientCreditBalance.objects.filter(client=invoice.client, currency=currency).first()
    return row.balance if row else Decimal(0)


def figures(invoice: Invoice) -> tuple[str, Decimal, Decimal]:
    invoice.refresh_from_db()
    return invoice.status, invoice.amount_paid, invoice.balance_due


@pytest.fixture
def invoice(db: None, owner: User) -> Invoice:
    factories.business()
    return factories.issued_invoice(owner)  # 432.00 EUR


def test_a_partial_refund_makes_part_of_a_paid_invoice_due_again(
    owner: User, invoice: Invoice
) -> None:
    payment = services.record_payment(invoice, amount="432.00", by=owner)
    assert figures(invoice)[0] == InvoiceStatus.PAID
    refund = services.record_refund(
        payment, amount="100.00", by=owner, method="card", reference="RF-1"
    )
    assert figures(invoice) == (InvoiceStatus.PARTIALLY_PAID, Decimal("332.00"), Decimal("100.00"))
    assert services.refundable_amount(payment) == Decimal("332.00")
    event = AuditEvent.objects.get(action=AuditAction.REFUND)
    assert event.invoice_id == invoice.pk and event.object_id == str(refund.pk)
    assert Decimal(event.new_values["amount"]) == Decimal(event.new_values["balance_due"]) == 100


def test_a_fully_refunded_paid_invoice_is_due_again(owner: User, invoice: Invoice) -> None:
    payment = services.record_payment(invoice, amount="432.00", by=owner)
    services.record_refund(payment, amount="432.00", by=owner)
    assert figures(invoice) == (InvoiceStatus.ISSUED, Decimal(0), Decimal("432.00"))


def test_a_refund_above_what_is_left_of_the_payment_is_refused(
    owner: User, invoice: Invoice
) -> None:
    payment = services.record_payment(invoice, amount="200.00", by=owner)
    services.record_refund(payment, amount="150.00", by=owner)
    with pytest.raises(ValidationError) as refused:
        services.record_refund(payment, amount="50.01", by=owner)
    assert refused.value.message_dict["amount"] == [
        "Only 50.00 EUR of this payment can still be refunded; a refund of 50.01 EUR would "
        "exceed it."
    ]
    assert Refund.objects.count() == 1


def test_deleting_a_refund_counts_the_payment_again_and_is_audited(
    owner: User, invoice: Invoice
) -> None:
    payment = services.record_payment(invoice, amount="432.00", by=owner)
    refund = services.record_refund(payment, amount="32.00", by=owner)
    services.delete_refund(refund, by=owner)
    assert figures(invoice) == (InvoiceStatus.PAID, Decimal("432.00"), Decimal(0))
    event = AuditEvent.objects.get(action=AuditAction.REFUND_DELETE)
    assert Decimal(event.old_values["amount"]) == 32 and event.invoice_id == invoice.pk
    with pytest.raises(ValidationError, match="already been deleted"):
        services.delete_refund(refund, by=owner)


def test_a_payment_with_refunds_is_not_deleted(owner: User, invoice: Invoice) -> None:
    payment = services.record_payment(invoice, amount="432.00", by=owner)
    services.record_refund(payment, amount="1.00", by=owner)
    with pytest.raises(ValidationError, match="delete them before the payment"):
        services.delete_payment(payment, by=owner)


def test_an_overpayment_needs_the_owners_choice_and_then_becomes_credit(
    owner: User, invoice: Invoice
) -> None:
    with pytest.raises(ValidationError, match="would exceed it"):
        services.record_payment(invoice, amount="500.00", by=owner)
    payment = services.record_payment(
        invoice, amount="500.00", by=owner, keep_excess_as_credit=True
    )
    assert figures(invoice) == (InvoiceStatus.PAID, Decimal("432.00"), Decimal(0))
    assert credit_of(invoice) == Decimal("68.00")
    entry = CreditEntry.objects.get()
    assert (entry.kind, entry.payment, entry.invoice) == (CreditKind.OVERPAYMENT, payment, invoice)
    # Only what settled the invoice can be refunded as the payment; the rest is credit.
    assert services.refundable_amount(payment) == Decimal("432.00")


def test_credit_applied_to_another_invoice_settles_it_like_a_payment(
    owner: User, invoice: Invoice
) -> None:
    services.record_payment(invoice, amount="500.00", by=owner, keep_excess_as_credit=True)
    second = factories.issued_invoice(owner, for_client=invoice.client)
    entry = services.apply_credit(second, by=owner)  # as much as there is: 68.00
    assert entry.amount == Decimal("-68.00") and entry.kind == CreditKind.APPLICATION
    assert figures(second) == (InvoiceStatus.PARTIALLY_PAID, Decimal("68.00"), Decimal("364.00"))
    assert credit_of(invoice) == Decimal(0)
    assert AuditEvent.objects.filter(action=AuditAction.CREDIT_APPLY, invoice_id=second.pk)
    services.remove_applied_credit(entry, by=owner)
    assert figures(second) == (InvoiceStatus.ISSUED, Decimal(0), Decimal("432.00"))
    assert credit_of(invoice) == Decimal("68.00")


def test_applying_more_credit_than_there_is_or_in_another_currency_is_refused(
    owner: User, invoice: Invoice
) -> None:
    services.record_payment(invoice, amount="440.00", by=owner, keep_excess_as_credit=True)
    second = factories.issued_invoice(owner, for_client=invoice.client)
    with pytest.raises(ValidationError) as refused:
        services.apply_credit(second, by=owner, amount="8.01")
    assert refused.value.message_dict["amount"] == [
        "The client's credit is 8.00 EUR; 8.01 EUR would exceed it."
    ]
    dollars = services.issue_invoice(
        factories.draft(owner, for_client=invoice.client, currency="USD"),
        by=owner,
        exchange_rate=Decimal("0.9"),
    )
    with pytest.raises(ValidationError, match="no credit in USD"):
        services.apply_credit(dollars, by=owner)
    assert not CreditEntry.objects.filter(kind=CreditKind.APPLICATION).exists()


def test_credit_refunded_to_the_client_leaves_the_ledger_at_zero(
    owner: User, invoice: Invoice
) -> None:
    services.record_payment(invoice, amount="450.00", by=owner, keep_excess_as_credit=True)
    with pytest.raises(ValidationError, match="would exceed it"):
        services.refund_credit(invoice.client, currency="EUR", amount="18.01", by=owner)
    refund = services.refund_credit(invoice.client, currency="EUR", amount="18.00", by=owner)
    assert refund.payment is None and refund.invoice is None
    assert credit_of(invoice) == Decimal(0)
    assert [entry.kind for entry in services.credit_ledger(invoice.client)] == [
        CreditKind.REFUND,
        CreditKind.OVERPAYMENT,
    ]
    services.delete_refund(refund, by=owner)
    assert credit_of(invoice) == Decimal("18.00")


def test_a_payment_whose_credit_was_spent_is_not_deleted(owner: User, invoice: Invoice) -> None:
    payment = services.record_payment(
        invoice, amount="500.00", by=owner, keep_excess_as_credit=True
    )
    services.apply_credit(factories.issued_invoice(owner, for_client=invoice.client), by=owner)
    with pytest.raises(ValidationError, match="remove the credit applied"):
        services.delete_payment(payment, by=owner)


def test_the_database_refuses_a_balance_below_zero_whatever_writes_it(
    owner: User, invoice: Invoice
) -> None:
    services.record_payment(invoice, amount="440.00", by=owner, keep_excess_as_credit=True)
    with pytest.raises(IntegrityError), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_creditentry (client_id, currency, amount, kind, date, invoice_id,"
            " created_at) VALUES (%s, 'EUR', -8.01, 'application', CURRENT_DATE, %s, now())",
            [invoice.client_id, invoice.pk],
        )


@pytest.mark.django_db(transaction=True)
def test_two_applications_of_the_same_credit_at_once_only_one_succeeds(owner: User) -> None:
    factories.business()
    paid = factories.issued_invoice(owner)
    services.record_payment(paid, amount="532.00", by=owner, keep_excess_as_credit=True)
    targets = [factories.issued_invoice(owner, for_client=paid.client) for _ in range(2)]

    results = in_threads(2, lambda i: services.apply_credit(targets[i], by=owner, amount="60"))

    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(refused) == 1 and "would exceed it" in refused[0].messages[0]
    assert credit_of(paid) == Decimal("40.00")
    assert sorted(figures(target)[1] for target in targets) == [Decimal(0), Decimal("60.00")]


def test_a_paid_invoice_credited_in_full_refunds_through_the_credit_not_the_payment(
    owner: User, invoice: Invoice
) -> None:
    payment = services.record_payment(invoice, amount="432.00", by=owner)
    services.create_credit_note(invoice, by=owner)
    assert figures(invoice) == (InvoiceStatus.CREDITED, Decimal(0), Decimal(0))
    assert credit_of(invoice) == Decimal("432.00")
    assert services.refundable_amount(payment) == 0  # the money is the client's credit now
    with pytest.raises(ValidationError, match=r"Only 0\.00 EUR of this payment"):
        services.record_refund(payment, amount="1.00", by=owner)
    services.refund_credit(invoice.client, currency="EUR", amount="432.00", by=owner)
    assert credit_of(invoice) == 0
    assert figures(invoice) == (InvoiceStatus.CREDITED, Decimal(0), Decimal(0))
