"""Gapless, unique numbers when many invoices are issued at the same moment (real PostgreSQL)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, NumberCounter
from tests.fixtures import factories
from tests.fixtures.threads import in_threads

ISSUE_DATE = datetime.date(2026, 6, 15)


@pytest.mark.django_db(transaction=True)
def test_fifty_drafts_issued_in_parallel_get_the_next_fifty_numbers(owner: User) -> None:
    factories.business()
    earlier = services.issue_invoice(factories.draft(owner), by=owner, issue_date=ISSUE_DATE)
    assert earlier.number == "INV-2026-0001"
    client = factories.client()
    vat = factories.tax_rate()
    drafts = [
        services.create_draft(client=client, by=owner, lines=[factories.line(taxes=[vat])])
        for _ in range(50)
    ]

    results = in_threads(
        50, lambda i: services.issue_invoice(drafts[i], by=owner, issue_date=ISSUE_DATE).number
    )

    assert not [r for r in results if isinstance(r, Exception)]
    assert sorted(results) == [f"INV-2026-{n:04d}" for n in range(2, 52)]  # type: ignore[type-var]
    sequences = sorted(
        s or 0 for s in Invoice.objects.exclude(number="").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, 52))
    assert NumberCounter.objects.get(period="2026").last_value == 51


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_exceed_the_total(owner: User) -> None:
    factories.business()
    invoice = factories.issued_invoice(owner)  # 432.00 EUR

    results = in_threads(
        12, lambda _i: services.record_payment(Invoice(pk=invoice.pk), amount="50", by=owner)
    )

    accepted = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(accepted) == 8 and len(refused) == 4  # 8 x 50 = 400; a 9th would pass 432
    invoice.refresh_from_db()
    assert invoice.amount_paid == Decimal("400.00")
    assert invoice.balance_due == Decimal("32.00")
