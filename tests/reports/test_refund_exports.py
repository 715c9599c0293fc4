"""The data page's CSV exports of refunds and of the client-credit ledger (#19)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from tests.fixtures import factories
from tests.reports.reconciliation import csv_rows

pytestmark = pytest.mark.django_db


def test_refunds_and_the_credit_ledger_export_as_csv(owner: User, client: HttpClient) -> None:
    factories.business()
    invoice = factories.issued_invoice(owner)  # 432.00 EUR
    payment = services.record_payment(
        invoice, amount="500.00", by=owner, keep_excess_as_credit=True
    )
    services.record_refund(payment, amount="32.00", by=owner, reference="=HYPERLINK()")
    services.refund_credit(invoice.client, currency="EUR", amount="8.00", by=owner)
    client.force_login(owner)

    refunds = csv_rows(client, "/data/export/refunds.csv")
    assert [(row["refund_of"], row["invoice_number"], row["amount"]) for row in refunds] == [
        ("payment", invoice.number, "32.00"),
        ("client_credit", "", "8.00"),
    ]
    assert refunds[0]["reference"] == "'=HYPERLINK()"  # a formula is neutralised
    assert {row["base_amount"] for row in refunds} == {"32.00", "8.00"}

    ledger = csv_rows(client, "/data/export/client-credit.csv")
    assert [(row["kind"], row["amount"]) for row in ledger] == [
        ("overpayment", "68.00"),
        ("refund", "-8.00"),
    ]
    assert sum(Decimal(row["amount"]) for row in ledger) == Decimal("60.00")
