"""The database guards quotes and their lines as it guards invoices; the migration that added
those checks refuses, by name, the quotes that break them."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from invoicetron.billing.models import DocumentKind
from invoicetron.billing.services import default_series
from invoicetron.quotes.models import Quote, QuoteLine
from invoicetron.quotes.services import create_quote
from tests.fixtures import factories

BEFORE = "0001_initial"
AFTER = "0002_line_and_discount_constraints"


def refused(update: Any) -> bool:
    try:
        with transaction.atomic():
            update()
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_what_it_refuses_on_an_invoice(db: None) -> None:
    quote = create_quote(client=factories.client(), by=None, lines=[factories.line()])
    lines = QuoteLine.objects.filter(quote=quote)
    quotes = Quote.objects.filter(pk=quote.pk)

    assert refused(lambda: lines.update(quantity=Decimal(-1)))
    assert refused(lambda: lines.update(unit_price=Decimal("-0.01")))
    assert refused(lambda: lines.update(discount_type="percent", discount_value=Decimal(101)))
    assert refused(lambda: quotes.update(discount_type="amount", discount_value=Decimal(-5)))
    assert refused(lambda: quotes.update(currency="eur"))
    assert refused(lambda: quotes.update(number="Q-1"))  # a draft has no number
    assert not refused(lambda: lines.update(quantity=Decimal(0), discount_value=Decimal(100)))


def migrate(target: str) -> None:
    call_command("migrate", "quotes", target, verbosity=0)


@pytest.fixture
def before(transactional_db: None) -> Iterator[Any]:
    migrate(BEFORE)
    yield MigrationExecutor(connection).loader.project_state(("quotes", BEFORE)).apps
    call_command("migrate", verbosity=0)


def test_the_migration_names_the_quotes_to_correct_then_adds_the_checks(before: Any) -> None:
    old_quote = before.get_model("quotes", "Quote")
    old_line = before.get_model("quotes", "QuoteLine")
    values = {
        "client_id": factories.client().pk,
        "series_id": default_series(DocumentKind.QUOTE).pk,
        "currency": "EUR",
    }
    good = old_quote.objects.create(**values)
    old_line.objects.create(quote=good, description="Design", quantity=2, unit_price=80)
    bad = old_quote.objects.create(**values)
    negative = old_line.objects.create(quote=bad, description="Back", quantity=-1, unit_price=80)

    with pytest.raises(RuntimeError) as refusal:
        migrate(AFTER)
    problems = [row for row in str(refusal.value).splitlines() if row.startswith("- ")]
    assert problems == [
        f"- quotes with a line with a negative quantity "
        f"(quotes_quoteline_quantity_not_negative): ids {bad.pk}"
    ]
    assert "Correct or delete those quotes" in str(refusal.value)

    old_line.objects.filter(pk=negative.pk).update(quantity=1)
    migrate(AFTER)
    assert Quote.objects.count() == 2
    assert refused(lambda: QuoteLine.objects.filter(quote_id=bad.pk).update(quantity=-1))
