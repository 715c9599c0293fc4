"""The invoice list's rows: what each shows, exactly, and the empty list."""

from __future__ import annotations

import datetime
import re

from django.test import Client as WebClient
from django.test.html import parse_html

from invoicetron.accounts.models import User
from invoicetron.billing import services
from tests.fixtures import factories

ROWS = re.compile(r"<tbody>(.*?)</tbody>", re.S)


def list_rows(web: WebClient, query: str = "") -> object:
    response = web.get(f"/invoices/{query}")
    assert response.status_code == 200
    found = ROWS.search(response.content.decode())
    assert found
    return parse_html(found[1])


def test_each_row_shows_number_client_status_dates_and_amounts(
    as_owner: WebClient, owner: User
) -> None:
    client = factories.client("Ada & Co <Ltd>")
    draft = factories.draft(owner, for_client=client)
    overdue = factories.issued_invoice(
        owner,
        for_client=client,
        issue_date=datetime.date(2024, 1, 5),
        due_date=datetime.date(2024, 2, 4),
    )
    services.record_payment(overdue, amount="100.00", by=owner)

    # Drafts (no issue date yet) come first, then the newest issue date.
    expected = f"""
    <tr><td><a href="/invoices/{draft.pk}/">Draft</a></td>
      <td>Ada &amp; Co &lt;Ltd&gt;</td>
      <td><span class="badge status-draft">Draft</span></td>
      <td>—</td><td>—</td>
      <td class="num">432.00 EUR</td><td class="num">—</td></tr>
    <tr><td><a href="/invoices/{overdue.pk}/">{overdue.number}</a></td>
      <td>Ada &amp; Co &lt;Ltd&gt;</td>
      <td><span class="badge status-partially_paid">Partially paid</span>
        <span class="badge status-overdue">Overdue</span></td>
      <td>2024-01-05</td><td>2024-02-04</td>
      <td class="num">432.00 EUR</td><td class="num">332.00 EUR</td></tr>
    """
    assert list_rows(as_owner) == parse_html(expected)


def test_an_empty_list_says_so_and_offers_a_new_invoice(as_owner: WebClient) -> None:
    expected = """<tr><td colspan="7" class="empty">No invoices match.
      <a href="/invoices/new/">Create one</a>.</td></tr>"""
    assert list_rows(as_owner, "?status=draft") == parse_html(expected)
