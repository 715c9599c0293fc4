"""Reading the reports' CSV and summing the documents, for the reconciliation tests."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal

from django.test import Client as HttpClient

from invoicetron.billing import money
from invoicetron.billing.models import CreditNote, Invoice


def csv_rows(client: HttpClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


def documents_in_eur() -> tuple[Decimal, dict[tuple[str, Decimal], Decimal], Decimal]:
    """Net, tax per (name, rate) and total of all documents (invoices less credit notes)."""
    net, total = ZERO, ZERO
    taxes: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    documents = [(1, invoice, invoice) for invoice in Invoice.objects.exclude(status="draft")]
    documents += [(-1, note, note.invoice) for note in CreditNote.objects.select_related("invoice")]
    for sign, document, invoice in documents:
        figures = money.totals_from_json(document.snapshot["totals"])
        assert invoice.exchange_rate is not None
        converted = money.in_base_currency(figures, invoice.exchange_rate, "EUR")
        net += sign * converted.net_total
        total += sign * converted.total
        for row in converted.taxes:
            taxes[(row.name, row.rate.normalize())] += sign * row.tax
    return net, dict(taxes), total


ZERO = Decimal(0)
