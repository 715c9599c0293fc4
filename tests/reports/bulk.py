"""Bulk data for the reports' query-count tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from invoicetron.billing import services
from invoicetron.billing.models import Client, DocumentKind, Invoice, InvoiceStatus, Payment


def bulk_invoices(count: int, clients: list[Client], start: int) -> None:
    """Issued invoices written straight to the table (the services would take minutes)."""
    series = services.default_series(DocumentKind.INVOICE)
    today = services.business_today()
    invoices = []
    for n in range(start, start + count):
        issued = today - datetime.timedelta(days=n % 400)
        taxes = [{"name": "VAT", "rate": "20.000", "base": "100.00", "tax": "20.00"}]
        invoices.append(
            Invoice(
                client=clients[n % len(clients)],
                series=series,
                number=f"BULK-{n:06d}",
                sequence=n,
                status=InvoiceStatus.ISSUED,
                currency="EUR",
                exchange_rate=Decimal(1),
                issue_date=issued,
                due_date=issued + datetime.timedelta(days=30),
                snapshot={"lines": [], "totals": {"taxes": taxes}},
                net_total=Decimal(100),
                tax_total=Decimal(20),
                total=Decimal(120),
                balance_due=Decimal(120),
            )
        )
    created = Invoice.objects.bulk_create(invoices)
    Payment.objects.bulk_create(
        Payment(invoice=invoice, date=invoice.issue_date, amount=Decimal(10))  # type: ignore[misc]
        for invoice in created[::2]
    )
