"""Legal numbers stay unique and gapless whatever the series' settings (issue 14, item 7)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import DocumentKind, Invoice, NumberCounter, NumberSeries
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module(
    "invoicetron.billing.migrations.0005_legal_numbers_unique_per_kind"
)


@pytest.fixture(autouse=True)
def business() -> None:
    factories.business()


def test_a_series_at_the_end_of_its_counter_refuses_to_issue_with_a_clear_error(
    api: Api, owner: User
) -> None:
    first = factories.issued_invoice(by=owner)
    NumberCounter.objects.filter(series=first.series).update(last_value=2_147_483_647)
    draft = factories.draft(owner, for_client=first.client)
    answer = api.post(f"invoices/{draft.pk}/issue", {})
    assert answer.status == 422, answer.body
    assert "has used its last number (2147483647): create a new series" in str(answer.body)
    assert Invoice.objects.get(pk=draft.pk).is_draft


def test_a_second_series_with_the_same_pattern_is_refused(api: Api) -> None:
    services.default_series(DocumentKind.INVOICE)
    answer = api.post(
        "number-series",
        {"name": "Web shop", "kind": "invoice", "pattern": "INV-{YYYY}-{SEQ:4}"},
    )
    assert answer.status == 422
    assert answer.error["fields"][0]["message"].startswith(
        "The series “Invoices” already uses this pattern"
    )
    other_kind = api.post(
        "number-series",
        {"name": "Same text", "kind": "quote", "pattern": "INV-{YYYY}-{SEQ:4}"},
    )
    assert other_kind.status == 201, "numbers are unique per kind of document"


def test_two_series_giving_the_same_number_never_issue_it_twice(api: Api, owner: User) -> None:
    main = services.default_series(DocumentKind.INVOICE)
    # A series made before patterns were checked against each other: it gives main's numbers.
    twin = NumberSeries.objects.create(
        name="Web shop", kind="invoice", pattern="WEB-{YYYY}-{SEQ}", reset="yearly"
    )
    NumberSeries.objects.filter(pk=twin.pk).update(pattern=main.pattern)
    first = factories.issued_invoice(by=owner)
    draft = factories.draft(owner, for_client=first.client, series=twin)
    answer = api.post(f"invoices/{draft.pk}/issue", {})
    assert answer.status == 422, answer.body
    assert f"{first.number} is already taken by a document of another series" in str(answer.body)
    assert Invoice.objects.filter(number=first.number).count() == 1


def test_the_migration_names_numbers_already_shared_instead_of_failing_obscurely(
    owner: User,
) -> None:
    first = factories.issued_invoice(by=owner)
    second = factories.issued_invoice(by=owner)
    with connection.cursor() as cursor:  # as before the migration (rolled back with the test)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("DROP INDEX billing_invoice_number_unique")
        cursor.execute("ALTER TABLE billing_invoice DISABLE TRIGGER USER")
        cursor.execute(
            "UPDATE billing_invoice SET number = %s WHERE id = %s", [first.number, second.pk]
        )
    with pytest.raises(RuntimeError) as stopped:
        MIGRATION.check_no_shared_numbers(apps, None)
    message = str(stopped.value)
    assert f"invoices: {first.number} (2 times)" in message
    assert "run the migration again" in message
