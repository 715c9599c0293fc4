"""Refunds and client credit through the pages (#19): the invoice page's "Record payment" with
the excess checkbox and "Refund" per payment, the client page's credit, and every refusal shown
where the owner acts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import CreditEntry, Invoice, InvoiceStatus, Refund
from tests.fixtures import factories


def page_of(invoice: Invoice) -> str:
    return reverse("billing:invoice", args=[invoice.pk])


def pay(as_owner: WebClient, invoice: Invoice, amount: str, **extra: str) -> Any:
    data = {"amount": amount, "date": "2026-12-01", "method": "bank_transfer", "reference": ""}
    return as_owner.post(reverse("billing:invoice_pay", args=[invoice.pk]), data | extra)


def refund_form(amount: str) -> dict[str, str]:
    return {"amount": amount, "date": "2026-12-02", "method": "card", "reference": "RF-7"}


def test_a_payment_above_the_balance_is_refused_on_the_page_unless_the_excess_is_kept(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)  # 432.00 EUR
    refused = pay(as_owner, invoice, "450.00")
    assert refused.status_code == 400
    assert "would exceed it" in refused.content.decode()
    assert "Keep the excess as client credit" in refused.content.decode()
    kept = pay(as_owner, invoice, "450.00", keep_excess_as_credit="on")
    assert kept["Location"] == page_of(invoice)
    html = as_owner.get(reverse("billing:client", args=[invoice.client_id])).content.decode()
    assert "18.00 EUR" in html and "Overpayment kept as credit" in html


def test_a_refund_is_recorded_from_its_page_and_refused_above_what_is_left(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    payment = services.record_payment(invoice, amount="432.00", by=owner)
    assert (
        reverse("billing:payment_refund", args=[payment.pk])
        in as_owner.get(page_of(invoice)).content.decode()
    )
    url = reverse("billing:payment_refund", args=[payment.pk])
    assert "432.00 EUR" in as_owner.get(url).content.decode()
    refused = as_owner.post(url, refund_form("432.01"))
    assert refused.status_code == 400
    assert "Only 432.00 EUR of this payment can still be refunded" in refused.content.decode()
    assert as_owner.post(url, refund_form("32.00"))["Location"] == page_of(invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance_due) == (InvoiceStatus.PARTIALLY_PAID, 32)
    html = as_owner.get(page_of(invoice)).content.decode()
    assert "RF-7" in html and "Refund recorded" in html  # the refunds table and the trail
    refund = Refund.objects.get()
    delete = reverse("billing:refund_delete", args=[refund.pk])
    assert "Delete this refund?" in as_owner.get(delete).content.decode()
    assert as_owner.post(delete)["Location"] == page_of(invoice)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID and not Refund.objects.exists()


def test_credit_is_applied_refunded_and_taken_back_from_the_pages(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="500.00", by=owner, keep_excess_as_credit=True)
    second = factories.issued_invoice(owner, for_client=invoice.client)
    client_page = reverse("billing:client", args=[invoice.client_id])
    apply_url = reverse("billing:credit_apply", args=[invoice.client_id, "EUR"])
    too_much = as_owner.post(
        apply_url, {"apply-EUR-invoice": second.pk, "apply-EUR-amount": "68.01"}, follow=True
    )
    assert "68.00 EUR; 68.01 EUR would exceed it" in too_much.content.decode()
    applied = as_owner.post(
        apply_url, {"apply-EUR-invoice": second.pk, "apply-EUR-amount": "60.00"}
    )
    assert applied["Location"] == page_of(second)
    second.refresh_from_db()
    assert second.balance_due == Decimal("372.00")
    refund_url = reverse("billing:credit_refund", args=[invoice.client_id, "EUR"])
    refused = as_owner.post(
        refund_url,
        {f"refund-EUR-{key}": value for key, value in refund_form("8.01").items()},
        follow=True,
    )
    assert "8.00 EUR; 8.01 EUR would exceed it" in refused.content.decode()
    as_owner.post(
        refund_url, {f"refund-EUR-{key}": value for key, value in refund_form("8.00").items()}
    )
    assert "No client credit." in as_owner.get(client_page).content.decode()
    entry = CreditEntry.objects.get(invoice=second)
    remove = reverse("billing:credit_remove", args=[entry.pk])
    assert remove in as_owner.get(page_of(second)).content.decode()
    assert "Remove this applied credit?" in as_owner.get(remove).content.decode()
    assert as_owner.post(remove)["Location"] == page_of(second)
    second.refresh_from_db()
    assert second.balance_due == Decimal("432.00")
    assert "60.00 EUR" in as_owner.get(client_page).content.decode()
