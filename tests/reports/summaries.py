"""The report summaries (billing 0008, 0011) as stored, and recomputed from the documents: the
tests of this directory hold them equal after every kind of write."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from invoicetron.billing import money
from invoicetron.billing.models import (
    OPEN_STATUSES,
    ClientSummaryMonth,
    CreditNote,
    Invoice,
    InvoiceStatus,
    SummaryKind,
    TaxSummaryDay,
)

TaxKey = tuple[datetime.date, str, str, Decimal]


def tax_summary_recomputed() -> dict[TaxKey, tuple[int, Decimal, Decimal]]:
    sums: dict[TaxKey, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    documents: list[tuple[str, datetime.date | None, dict, Decimal | None]] = [
        (SummaryKind.INVOICE, i.issue_date, i.snapshot or {}, i.exchange_rate)
        for i in Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
    ]
    documents += [
        (SummaryKind.CREDIT_NOTE, n.issue_date, n.snapshot, n.invoice.exchange_rate)
        for n in CreditNote.objects.select_related("invoice")
    ]
    for kind, day, snapshot, rate in documents:
        assert day is not None and rate is not None
        figures = money.in_base_currency(money.totals_from_json(snapshot["totals"]), rate, "EUR")
        for row in figures.taxes:
            target = sums[(day, str(kind), row.name, row.rate.normalize())]
            target[0] += 1
            target[1] += row.base
            target[2] += row.tax
    return {key: (int(count), base, tax) for key, (count, base, tax) in sums.items()}


def tax_summary_stored() -> dict[TaxKey, tuple[int, Decimal, Decimal]]:
    return {
        (row.day, row.kind, row.name, row.rate.normalize()): (row.documents, row.base, row.tax)
        for row in TaxSummaryDay.objects.filter(base_currency="EUR")
    }


ClientKey = tuple[int, datetime.date]


def in_eur(document: Invoice | CreditNote, rate: Decimal) -> Decimal:
    totals = money.totals_from_json(document.snapshot["totals"])  # type: ignore[index]
    return money.in_base_currency(totals, rate, "EUR").total


def client_summary_recomputed() -> dict[ClientKey, tuple[int, Decimal, Decimal]]:
    sums: dict[ClientKey, list[Decimal]] = defaultdict(lambda: [Decimal(0)] * 3)
    for invoice in Invoice.objects.exclude(status=InvoiceStatus.DRAFT):
        rate = invoice.exchange_rate
        assert invoice.issue_date is not None and rate is not None
        target = sums[(invoice.client_id, invoice.issue_date.replace(day=1))]
        target[0] += 1
        target[1] += in_eur(invoice, rate)
        for note in CreditNote.objects.filter(invoice=invoice):
            target[1] -= in_eur(note, rate)
        if invoice.status in OPEN_STATUSES:
            target[2] += money.convert(invoice.balance_due, rate, "EUR")
    return {key: (int(count), total, owed) for key, (count, total, owed) in sums.items()}


def client_summary_stored() -> dict[ClientKey, tuple[int, Decimal, Decimal]]:
    return {
        (row.client_id, row.month): (row.documents, row.total, row.owed)
        for row in ClientSummaryMonth.objects.filter(base_currency="EUR")
    }
