"""Refunds and client credit in Chromium (#19): pay more than due with "Keep the excess as client
credit", find the credit on the client page, apply it to a second invoice (paid), then refund
part of the first payment (its balance is due again). The payments and aging reports (CSV, as the
owner downloads them), the dashboard and the client page then agree with the documents to the
cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.models import (
    OPEN_STATUSES,
    ClientCreditBalance,
    Invoice,
    InvoiceStatus,
    Payment,
    Refund,
)
from tests.fixtures import factories
from tests.fixtures.browser import csv_report, screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_an_overpayment_becomes_credit_that_pays_another_invoice_then_a_refund(
    live_server: Any, page: Any, owner: User
) -> None:
    factories.business()
    first = factories.issued_invoice(owner)  # 432.00 EUR
    second = factories.issued_invoice(
        owner, for_client=first.client, lines=[factories.line("Fix", "1", "50")]
    )
    base = live_server.url
    sign_in(page, base)

    page.goto(f"{base}/invoices/{first.pk}/")
    payment = page.locator("#payment")
    payment.get_by_label("Amount").fill("500.00")
    payment.get_by_role("button", name="Record payment").click()
    page.get_by_text("a payment of 500.00 EUR would exceed it").wait_for()  # no choice: refused
    payment = page.locator("#payment")
    payment.get_by_label("Amount").fill("500.00")
    payment.get_by_label("Keep the excess as client credit").check()
    payment.get_by_role("button", name="Record payment").click()
    page.get_by_text("Payment of 500.00 EUR recorded.").wait_for()
    assert "Overpayment kept as credit" in page.locator("#credit-moves").inner_text()

    page.get_by_role("link", name=first.client.name).click()
    credit = page.locator("#client-credit")
    assert credit.locator(".credit-balance").inner_text() == "68.00 EUR"
    credit.get_by_text("Apply to invoice…").click()
    credit.get_by_label("Invoice").select_option(label=f"{second.number} — 50.00 EUR due")
    screenshot(page, "refunds-01-client-credit")
    credit.get_by_role("button", name="Apply credit").click()
    page.get_by_text(f"50.00 EUR of credit applied to invoice {second.number}.").wait_for()
    assert "Applied credit" in page.locator("#credit-moves").inner_text()
    second.refresh_from_db()
    assert (second.status, second.balance_due) == (InvoiceStatus.PAID, Decimal(0))
    page.goto(f"{base}/clients/{first.client_id}/")
    assert page.locator("#client-credit .credit-balance").inner_text() == "18.00 EUR"
    assert page.locator("#credit-history tbody tr").count() == 2

    page.goto(f"{base}/invoices/{first.pk}/")
    page.get_by_role("link", name="Refund").click()
    assert page.locator("#refundable").inner_text() == "432.00 EUR"
    page.get_by_label("Amount").fill("432.01")
    page.get_by_role("button", name="Record refund").click()
    page.get_by_text("Only 432.00 EUR of this payment can still be refunded").wait_for()
    page.get_by_label("Amount").fill("100.00")
    page.get_by_label("Reference").fill("RF-2026-1")
    page.get_by_role("button", name="Record refund").click()
    page.get_by_text("Refund of 100.00 EUR recorded.").wait_for()
    assert "RF-2026-1" in page.locator("#refunds").inner_text()
    screenshot(page, "refunds-02-invoice-refunded")
    refunded = Invoice.objects.get(pk=first.pk)
    assert (refunded.status, refunded.balance_due) == (
        InvoiceStatus.PARTIALLY_PAID,
        Decimal("100.00"),
    )
    assert "Record a payment" in page.content()  # due again: the payment form is back
    reports_agree_with_the_documents(page, base, first.client_id)


def total(amounts: Any) -> Decimal:
    return sum(amounts, Decimal(0))


def reports_agree_with_the_documents(page: Any, base: str, client_id: int) -> None:
    """Everything is in EUR, the base currency: the figures need no conversion."""
    received = total(p.amount for p in Payment.objects.all()) - total(
        r.amount for r in Refund.objects.all()
    )
    credit = total(c.balance for c in ClientCreditBalance.objects.all())
    # Money received net is what the invoices count as paid plus the credit still held.
    assert received == total(i.amount_paid for i in Invoice.objects.all()) + credit
    owed = total(i.balance_due for i in Invoice.objects.filter(status__in=OPEN_STATUSES))
    assert owed > 0 and credit > 0

    payments = csv_report(page, f"{base}/reports/payments/?format=csv")
    assert total(Decimal(row["base_amount"]) for row in payments) == received
    assert [Decimal(row["amount"]) for row in payments if row["amount"].startswith("-")] == [
        -r.amount for r in Refund.objects.all()
    ]
    aging = csv_report(page, f"{base}/reports/aging/?format=csv")
    assert aging[-1]["client"] == "Total" and Decimal(aging[-1]["total"]) == owed

    page.goto(f"{base}/")
    for label, figure in (("Outstanding", owed), ("Paid this month", received)):
        tile = page.locator(".kpi", has=page.get_by_text(label, exact=True))
        assert tile.locator(".kpi-value").inner_text() == money.format_amount(figure, "EUR"), label
    screenshot(page, "refunds-03-dashboard")

    page.goto(f"{base}/clients/{client_id}/")
    assert page.locator("#client-credit .credit-balance").inner_text() == money.format_amount(
        credit, "EUR"
    )
    owed_by_the_client = page.locator("dt:text-is('Outstanding') + dd").inner_text()
    assert owed_by_the_client == money.format_amount(owed, "EUR")  # its only open invoice
