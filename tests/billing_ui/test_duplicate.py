"""Duplicating an invoice (any state) into a new draft from its page."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, InvoiceStatus
from tests.fixtures import factories


def lines_of(invoice: Invoice) -> list[tuple[object, ...]]:
    return [
        (
            row.description,
            row.quantity,
            row.unit,
            row.unit_price,
            row.discount_type,
            row.discount_value,
            sorted(tax.pk for tax in row.taxes.all()),
        )
        for row in invoice.lines.order_by("position")
    ]


def test_an_issued_invoice_is_duplicated_into_a_new_unnumbered_draft(
    as_owner: WebClient, owner: User
) -> None:
    vat = factories.tax_rate("VAT", "20")
    original = factories.draft(
        owner,
        lines=[
            factories.line("Design", "3", "80", [vat], unit="hour", discount_value="10"),
            factories.line("Licence", "1", "120", [vat]),
        ],
        for_client=factories.client("Initech", currency="USD"),
        discount_type="amount",
        discount_value="5",
        notes="Thanks!",
        terms="30 days",
        prices_include_tax=True,
    )
    original = services.issue_invoice(original, by=owner, exchange_rate="0.9")
    page = as_owner.get(reverse("billing:invoice", args=[original.pk])).content.decode()
    assert reverse("billing:invoice_duplicate", args=[original.pk]) in page
    response = as_owner.post(reverse("billing:invoice_duplicate", args=[original.pk]))
    copy = Invoice.objects.exclude(pk=original.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:invoice_edit", args=[copy.pk])
    assert copy.status == InvoiceStatus.DRAFT and copy.number == ""
    assert copy.issue_date is None and copy.due_date is None
    assert (copy.client, copy.currency, copy.series) == (
        original.client,
        "USD",
        original.series,
    )
    assert (copy.discount_type, copy.discount_value) == ("amount", Decimal("5"))
    assert (copy.notes, copy.terms, copy.prices_include_tax) == ("Thanks!", "30 days", True)
    assert lines_of(copy) == lines_of(original)
    assert copy.total == original.total


def test_a_colleague_may_duplicate_but_only_by_post(as_colleague: WebClient) -> None:
    original = factories.draft()
    url = reverse("billing:invoice_duplicate", args=[original.pk])
    assert as_colleague.get(url).status_code == 405
    assert as_colleague.post(url).status_code == 302
    assert Invoice.objects.count() == 2


def test_duplicating_needs_the_csrf_token(owner: User) -> None:
    original = factories.draft()
    web = WebClient(enforce_csrf_checks=True)
    web.force_login(owner)
    response = web.post(reverse("billing:invoice_duplicate", args=[original.pk]))
    assert response.status_code == 403
    assert Invoice.objects.count() == 1


def test_a_stranger_is_sent_to_sign_in(client: WebClient) -> None:
    original = factories.draft()
    response = client.post(reverse("billing:invoice_duplicate", args=[original.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert Invoice.objects.count() == 1


def test_an_archived_clients_invoice_says_what_to_do(as_owner: WebClient) -> None:
    original = factories.draft()
    original.client.archived = True
    original.client.save()
    response = as_owner.post(reverse("billing:invoice_duplicate", args=[original.pk]), follow=True)
    assert "archived" in response.content.decode()
    assert Invoice.objects.count() == 1
