from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Client, Contact, NumberSeries
from tests.fixtures import factories


def test_a_client_without_documents_is_deleted(owner: User) -> None:
    client = factories.client()
    assert services.delete_client(client, by=owner) is True
    assert not Client.objects.exists()


def test_a_client_with_documents_is_archived_not_deleted(owner: User) -> None:
    factories.business()
    invoice = factories.draft(owner)
    assert services.delete_client(invoice.client, by=owner) is False
    assert Client.objects.get(pk=invoice.client_id).archived


def test_a_clients_first_contact_becomes_primary_and_a_new_primary_replaces_it(
    owner: User,
) -> None:
    client = services.save_record(Client(name="Initech"), by=owner)
    first = services.save_record(Contact(client=client, email="bill@initech.example"), by=owner)
    assert first.is_primary
    second = services.save_record(
        Contact(client=client, email="peter@initech.example", is_primary=True), by=owner
    )
    first.refresh_from_db()
    assert second.is_primary and not first.is_primary
    assert client.primary_contact == second


def test_deleting_the_primary_contact_promotes_the_next(owner: User) -> None:
    client = factories.client()
    services.save_record(Contact(client=client, email="other@globex.example"), by=owner)
    services.delete_contact(Contact.objects.get(client=client, is_primary=True), by=owner)
    assert Contact.objects.get(client=client).is_primary


@pytest.mark.parametrize(
    ("pattern", "reset"),
    [("INV-{SEQ:4}", "yearly"), ("INV-{YYYY}", "never"), ("INV-{DD}-{SEQ}", "never")],
)
def test_number_patterns_that_could_repeat_are_refused(
    owner: User, pattern: str, reset: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.save_record(
            NumberSeries(name="Mine", kind="invoice", pattern=pattern, reset=reset), by=owner
        )
    assert "pattern" in refused.value.message_dict


def test_a_new_default_series_takes_over_from_the_old_one(owner: User) -> None:
    old = services.default_series("invoice")  # type: ignore[arg-type]
    new = services.save_record(
        NumberSeries(
            name="Monthly",
            kind="invoice",
            pattern="F{YY}{MM}-{SEQ:3}",
            reset="monthly",
            is_default=True,
        ),
        by=owner,
    )
    old.refresh_from_db()
    assert new.is_default and not old.is_default
