"""Issued documents cannot change: the services refuse, the models refuse, the database refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import AuditEvent, CreditNote, ImmutableDocument, Invoice
from tests.fixtures import factories


@pytest.fixture(autouse=True)
def business(db: None) -> None:
    factories.business()


def test_editing_an_issued_invoice_is_refused(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    with pytest.raises(ImmutableDocument, match="credit note"):
        services.update_draft(invoice, by=owner, notes="changed")
    with pytest.raises(ValidationError):
        services.update_draft(invoice, by=owner, lines=[factories.line()])


def test_an_issued_invoice_is_never_deleted(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    with pytest.raises(ImmutableDocument):
        services.delete_draft(invoice, by=owner)
    with pytest.raises(ImmutableDocument):
        Invoice.objects.get(pk=invoice.pk).delete()


def test_issuing_twice_is_refused(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    with pytest.raises(ImmutableDocument, match="already issued"):
        services.issue_invoice(invoice, by=owner)


def test_the_model_refuses_to_save_an_issued_invoice(owner: User) -> None:
    invoice = Invoice.objects.get(pk=factories.issued_invoice(owner).pk)
    invoice.total = Decimal("1.00")
    with pytest.raises(ImmutableDocument):
        invoice.save()


def test_the_database_refuses_to_rewrite_an_issued_invoice(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("1.00"))
    with pytest.raises(IntegrityError, match="cannot be changed"), transaction.atomic():
        invoice.lines.update(quantity=Decimal(99))
    with (
        pytest.raises(IntegrityError, match="cannot be deleted"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM billing_invoice WHERE id = %s", [invoice.pk])
    assert Invoice.objects.get(pk=invoice.pk).total == Decimal("432.00")


def test_the_database_keeps_credit_notes_and_the_trail_append_only(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    services.create_credit_note(invoice, by=owner)
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditNote.objects.update(total=Decimal(0))
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()


def test_the_snapshot_keeps_the_tax_rate_as_issued(owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    vat = factories.tax_rate()
    vat.rate = Decimal("21")
    services.save_record(vat, by=owner)
    frozen = services.invoice_totals(Invoice.objects.get(pk=invoice.pk))
    assert [(row.rate, row.tax) for row in frozen.taxes] == [(Decimal("20.000"), Decimal("72.00"))]
