"""Bad input gets a field error and writes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import AuditEvent, Invoice, InvoiceLine, TaxRate
from tests.fixtures import factories


@pytest.fixture(autouse=True)
def business(db: None) -> None:
    factories.business()


def nothing_written() -> bool:
    return not (
        Invoice.objects.exists() or InvoiceLine.objects.exists() or AuditEvent.objects.exists()
    )


def test_a_negative_quantity_is_refused_beside_its_line(owner: User) -> None:
    lines = [factories.line(), factories.line(quantity="-1")]
    with pytest.raises(ValidationError) as refused:
        services.create_draft(client=factories.client(), by=owner, lines=lines)
    assert list(refused.value.message_dict) == ["lines-1-quantity"]
    assert nothing_written()


def test_an_unknown_currency_is_refused(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_draft(client=factories.client(), by=owner, currency="EUX")
    assert "currency" in refused.value.message_dict
    assert nothing_written()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quantity", "1.0001", "Quantity allows at most 3 decimals."),
        ("unit_price", "9.99999", "Unit price allows at most 4 decimals."),
        ("unit_price", "1e20", "Unit price is too large."),
        ("quantity", "abc", "Enter a number."),
    ],
)
def test_numbers_beyond_their_precision_are_refused(
    owner: User, field: str, value: str, message: str
) -> None:
    values = {"quantity": "1", "unit_price": "10"} | {field: value}
    line = factories.line(quantity=values["quantity"], unit_price=values["unit_price"])
    with pytest.raises(ValidationError) as refused:
        services.create_draft(client=factories.client(), by=owner, lines=[line])
    assert refused.value.message_dict[f"lines-0-{field}"] == [message]
    assert nothing_written()


def test_an_amount_discount_beyond_the_currency_digits_is_refused(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        factories.draft(owner, currency="JPY", discount_type="amount", discount_value="1.5")
    assert refused.value.message_dict["discount_value"] == ["JPY amounts have 0 decimals at most."]
    assert nothing_written()


def test_a_discount_larger_than_the_invoice_is_refused(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        factories.draft(owner, discount_type="amount", discount_value="1000")
    assert "larger than" in refused.value.message_dict["discount_value"][0]
    assert nothing_written()


def test_floats_are_refused_because_they_are_not_exact(owner: User) -> None:
    with pytest.raises(ValidationError):
        services.create_draft(
            client=factories.client(),
            by=owner,
            lines=[factories.line(unit_price=0.1)],  # type: ignore[arg-type]
        )


@pytest.mark.parametrize("rate", ["-1", "100.001"])
def test_tax_rates_outside_0_to_100_are_refused(owner: User, rate: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.save_record(TaxRate(name="Odd", rate=Decimal(rate)), by=owner)
    assert "rate" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        TaxRate.objects.create(name="Odd", rate=Decimal(rate))  # the database refuses too


def test_a_failed_update_leaves_the_draft_as_it_was(owner: User) -> None:
    invoice = factories.draft(owner)
    before = (invoice.total, list(invoice.lines.values_list("description", flat=True)))
    with pytest.raises(ValidationError):
        services.update_draft(
            invoice,
            by=owner,
            notes="new",
            lines=[factories.line("ok"), factories.line(quantity="-2")],
        )
    invoice.refresh_from_db()
    assert invoice.notes == ""
    assert (invoice.total, list(invoice.lines.values_list("description", flat=True))) == before
