"""The invoice page: the history's pages are counted only when needed, a refused payment shows
its errors, and payments, credit notes and public links are listed as before, in a fixed number
of queries. (Its lines, history rows and payment form tags: test_fast_paths.py.)"""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import AuditEvent, CreditNote, Invoice, Payment
from invoicetron.portal.services import create_link
from tests.fixtures import factories

ROWS = re.compile(r'<table class="trail">.*?<tbody>(.*?)</tbody>', re.S)


def history(web: WebClient, invoice: Invoice, query: str = "") -> str:
    response = web.get(reverse("billing:invoice", args=[invoice.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def add_events(invoice: Invoice, count: int) -> None:
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor_label="owner@example.com",
            action="change",
            object_type="billing.invoice",
            object_id=str(invoice.pk),
            object_repr=str(invoice),
            invoice_id=invoice.pk,
            new_values={"notes": f"note {number}"},
        )
        for number in range(count)
    )


def test_a_short_history_is_shown_whole_without_counting_it(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    with CaptureQueriesContext(connection) as captured:
        html = history(as_owner, invoice)
    rows = ROWS.search(html)
    shown = AuditEvent.objects.filter(invoice_id=invoice.pk).count()
    assert rows and rows[1].count("<tr>") == shown
    assert 'aria-label="Pages"' not in html
    assert not [q for q in captured if "COUNT" in q["sql"] and "billing_auditevent" in q["sql"]]


def test_a_long_history_is_counted_and_paged(as_owner: WebClient, owner: User) -> None:
    invoice = factories.issued_invoice(owner)
    add_events(invoice, 30)
    total = AuditEvent.objects.filter(invoice_id=invoice.pk).count()
    for query in ("", "?trail=1", "?trail=x"):
        first = history(as_owner, invoice, query)
        rows = ROWS.search(first)
        assert rows and rows[1].count("<tr>") == 25, query
        assert f"Page 1 of 2 · {total} in all" in first, query
    second = history(as_owner, invoice, "?trail=2")
    rows = ROWS.search(second)
    assert rows and rows[1].count("<tr>") == total - 25
    assert f"Page 2 of 2 · {total} in all" in second
    assert "Page 2 of 2" in history(as_owner, invoice, "?trail=9")  # past the end: the last


def test_a_refused_payment_shows_the_form_again_with_its_error(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    url = reverse("billing:invoice_pay", args=[invoice.pk])
    response = as_owner.post(url, {"amount": "12.345", "date": "2026-03-01", "method": "cash"})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<div class="field field-error">' in html
    assert 'value="12.345"' in html and '<option value="cash" selected>' in html
    assert "EUR amounts have 2 decimals at most." in html
    assert 'aria-invalid="true"' in html


def test_payments_and_credit_notes_are_listed_newest_first(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    for day, amount in ((3, "10"), (5, "20"), (3, "30"), (4, "40")):
        services.record_payment(invoice, amount=amount, by=owner, date=datetime.date(2026, 3, day))
    line_id = invoice.snapshot["lines"][1]["id"] if invoice.snapshot else 0
    for day in (2, 9, 9):
        services.create_credit_note(
            invoice,
            by=owner,
            lines=[services.CreditLine(line_id, "0.1")],
            issue_date=datetime.date(2026, 3, day),
        )
    response = as_owner.get(reverse("billing:invoice", args=[invoice.pk]))
    payments = list(Payment.objects.filter(invoice=invoice))  # in Payment.Meta.ordering
    assert response.context["payments"] == payments
    assert [payment.amount for payment in payments] == [20, 40, 30, 10]
    notes = list(CreditNote.objects.filter(invoice=invoice))
    assert response.context["credit_notes"] == notes and len(notes) == 3


def test_public_links_and_their_creators_cost_the_same_queries_however_many(
    as_owner: WebClient, owner: User, colleague: User
) -> None:
    invoice = factories.issued_invoice(owner)
    url = reverse("billing:invoice", args=[invoice.pk])
    create_link(invoice, by=owner)
    with CaptureQueriesContext(connection) as one:
        assert as_owner.get(url).status_code == 200
    create_link(invoice, by=colleague)
    create_link(invoice, by=None)  # for an email
    with CaptureQueriesContext(connection) as three:
        html = as_owner.get(url).content.decode()
    assert len(three) == len(one)
    assert "by Olivia Owner" in html and "by Carl Colleague" in html and "for an email" in html
