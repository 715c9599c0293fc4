from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import AuditAction, AuditEvent, InvoiceStatus, Payment
from tests.fixtures import factories


@pytest.fixture(autouse=True)
def business(db: None) -> None:
    factories.business()


def test_a_partial_then_a_full_payment_settle_the_invoice(owner: User) -> None:
    invoice = factories.issued_invoice(owner)  # 432.00
    services.record_payment(invoice, amount="132.00", by=owner, reference="TRX-1")
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    assert invoice.balance_due == Decimal("300.00")
    services.record_payment(
        invoice, amount=Decimal("300"), by=owner, date=datetime.date(2026, 5, 1)
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance_due) == (
        InvoiceStatus.PAID,
        Decimal("432.00"),
        Decimal("0.00"),
    )


def test_a_payment_above_the_balance_is_refused_with_the_balance_in_the_message(
    owner: User,
) -> None:
    invoice = factories.issued_invoice(owner)
    with pytest.raises(ValidationError) as refused:
        services.record_payment(invoice, amount="432.01", by=owner)
    assert refused.value.message_dict["amount"] == [
        "The balance due is 432.00 EUR; a payment of 432.01 EUR would exceed it."
    ]
    assert not Payment.objects.exists()


def test_payments_with_more_decimals_than_the_currency_are_refused(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    with pytest.raises(ValidationError) as refused:
        services.record_payment(invoice, amount="10.005", by=owner)
    assert "EUR amounts have 2 decimals at most." in refused.value.message_dict["amount"]


def test_drafts_take_no_payment(owner: User) -> None:
    with pytest.raises(ValidationError, match="Issue the invoice"):
        services.record_payment(factories.draft(owner), amount="1", by=owner)


def test_deleting_a_payment_reopens_the_balance_and_is_audited(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    payment = services.record_payment(invoice, amount="432", by=owner, reference="wrong client")
    services.delete_payment(payment, by=owner)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (InvoiceStatus.ISSUED, Decimal("432.00"))
    event = AuditEvent.objects.get(action=AuditAction.PAYMENT_DELETE)
    assert event.old_values["amount"] == "432.0000"
    assert event.old_values["reference"] == "wrong client"
    assert event.invoice_id == invoice.pk
    assert event.actor_label == owner.email


def test_deleting_a_payment_someone_already_deleted_is_refused_clearly(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    payment = services.record_payment(invoice, amount="100", by=owner)
    stale_copy = Payment.objects.get(pk=payment.pk)
    services.delete_payment(payment, by=owner)
    with pytest.raises(ValidationError) as refused:
        services.delete_payment(stale_copy, by=owner)
    assert refused.value.message_dict == {"payment": ["This payment has already been deleted."]}
    assert AuditEvent.objects.filter(action=AuditAction.PAYMENT_DELETE).count() == 1
