"""Quotes from the pages (write, send, accepted through the public link, converted) and
recurring invoices (set up, paused); the quote list's cost does not grow with its length."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation import recurring
from invoicetron.automation.models import RecurringInvoice
from invoicetron.billing.models import Invoice
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.quotes.services import create_quote
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line, schedule_post

pytestmark = pytest.mark.django_db


def test_a_quote_is_written_sent_accepted_through_its_link_and_converted(
    as_owner: WebClient,
) -> None:
    vat = factories.tax_rate()
    client = factories.client()
    data = invoice_post(client, [line("Website", "10", "80", [vat]), line("Hosting", "1", "120")])
    response = as_owner.post(reverse("quotes:new"), data | {"valid_until": ""})
    quote = Quote.objects.get()
    assert response["Location"] == reverse("quotes:detail", args=[quote.pk])
    assert quote.total == 1080  # 800 + 20 % VAT, and 120 untaxed

    edit = data | {"lines-0-quantity": "12", "notes": "Two more hours"}
    assert as_owner.post(reverse("quotes:edit", args=[quote.pk]), edit).status_code == 302
    quote.refresh_from_db()
    assert (quote.total, quote.notes, quote.lines.count()) == (1272, "Two more hours", 2)

    as_owner.post(reverse("quotes:act", args=[quote.pk, "mark-sent"]))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.SENT and quote.number

    page = as_owner.post(reverse("messaging:new_link", args=["quote", quote.pk]), follow=True)
    html = page.content.decode()
    url = re.search(r'id="new-link" value="([^"]+)"', html)
    assert url, "the new link's address is shown once"
    path = url.group(1).split("://", 1)[1].split("/", 1)[1]
    assert "/p/" in f"/{path}"
    assert (
        'id="new-link"'
        not in as_owner.get(reverse("quotes:detail", args=[quote.pk])).content.decode()
    )

    visitor = WebClient()
    assert quote.number in visitor.get(f"/{path}").content.decode()
    assert visitor.post(f"/{path}accept").status_code == 302
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.ACCEPTED

    response = as_owner.post(reverse("quotes:act", args=[quote.pk, "convert"]))
    invoice = Invoice.objects.get()
    assert response["Location"] == reverse("billing:invoice", args=[invoice.pk])
    assert invoice.is_draft and invoice.total == quote.total
    assert [row.description for row in invoice.lines.all()] == ["Website", "Hosting"]
    again = as_owner.post(reverse("quotes:act", args=[quote.pk, "convert"]))
    assert again.status_code == 400 and "already has its invoice" in again.content.decode()


def add_quotes(owner: User, count: int) -> None:
    client = factories.client(f"Client {Quote.objects.count()}")
    for _ in range(count):
        create_quote(client=client, by=owner, lines=[factories.line()])


def test_the_quote_list_costs_the_same_queries_with_few_or_many_quotes(
    as_owner: WebClient, owner: User
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert as_owner.get(reverse("quotes:list") + "?status=draft").status_code == 200
        return len(captured)

    add_quotes(owner, 3)
    few = queries()
    add_quotes(owner, 30)
    assert queries() == few


def test_a_monthly_schedule_is_set_up_from_the_page_and_its_invoices_listed(
    as_owner: WebClient, as_colleague: WebClient
) -> None:
    client = factories.client()
    start = datetime.date(2026, 1, 31)
    response = as_colleague.post(reverse("automation:schedule_new"), schedule_post(client))
    assert response.status_code == 302, response.content.decode()[:2000]
    schedule = RecurringInvoice.objects.get()
    assert (schedule.next_date, schedule.lines[0]["unit_price"]) == (start, "500")

    now = datetime.datetime(2026, 3, 5, 12, tzinfo=datetime.UTC)
    assert recurring.run_due(now) == 2  # 31 January and 28 February
    page = as_owner.get(reverse("automation:schedule", args=[schedule.pk])).content.decode()
    assert "2026-01-31" in page and "2026-02-28" in page and "31 March 2026" in page

    as_owner.post(reverse("automation:schedule_pause", args=[schedule.pk]))
    schedule.refresh_from_db()
    assert not schedule.active
    assert "Paused" in as_owner.get(reverse("automation:recurring")).content.decode()

    edit = schedule_post(client, name="Retainer", frequency="quarterly")
    assert (
        as_owner.post(reverse("automation:schedule_edit", args=[schedule.pk]), edit).status_code
        == 302
    )
    schedule.refresh_from_db()
    assert (schedule.name, schedule.next_date) == ("Retainer", datetime.date(2026, 7, 31))
