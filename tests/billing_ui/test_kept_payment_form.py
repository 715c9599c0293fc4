"""The invoice page keeps its new payment form's fields (the balance due, today's date) while
billing data is unchanged; a refused payment shows what was typed and its errors, never the kept
fields, and the page after it the kept ones again.

The data is committed (transaction=True): nothing read inside a transaction that has written is
kept, and a test that kept nothing would prove nothing.
"""

from __future__ import annotations

import re

import pytest
from django.core.cache import caches
from django.test import Client as WebClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from tests.fixtures import factories

pytestmark = pytest.mark.django_db(transaction=True)


TOKEN = re.compile(r'csrfmiddlewaretoken" value="[^"]+')


def payment_fields(html: str) -> str:
    """The payment form, its token (masked anew for every response) left out."""
    start = html.index('<section class="card action-card" id="payment">')
    return TOKEN.sub("", html[start : html.index("</section>", start)])


def test_a_refused_payment_is_shown_with_its_errors_and_the_kept_fields_after_it(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="10", by=owner)
    url = f"/invoices/{invoice.pk}/"
    caches["fragments"].clear()
    fresh = payment_fields(as_owner.get(url).content.decode())
    invoice.refresh_from_db()
    balance = f'value="{invoice.balance_due:.2f}"'
    assert balance in fresh
    assert payment_fields(as_owner.get(url).content.decode()) == fresh

    refused = as_owner.post(
        f"/invoices/{invoice.pk}/payments/",
        {"amount": "12.345", "date": "2026-03-01", "method": "cash"},
    )
    assert refused.status_code == 400
    shown = payment_fields(refused.content.decode())
    assert 'value="12.345"' in shown and "EUR amounts have 2 decimals at most." in shown

    again = payment_fields(as_owner.get(url).content.decode())
    assert again == fresh and "12.345" not in again
