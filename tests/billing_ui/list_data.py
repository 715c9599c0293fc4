"""Documents for the list tests: clients with invoices, credit notes and quotes, in bulk."""

from __future__ import annotations

import datetime
from decimal import Decimal

from invoicetron.billing import services
from invoicetron.billing.models import (
    Client,
    Contact,
    CreditNote,
    DocumentKind,
    Invoice,
    InvoiceStatus,
)
from invoicetron.quotes.models import Quote, QuoteStatus
from tests.fixtures import factories

NAMES = ("Redwood Partners", "redwood lumber", "100% Organic", "snake_case Ltd", "Ada & Co")


def add_documents(per_client: int) -> list[Client]:
    """For each client: `per_client` issued invoices, each with a credit note, and as many quotes
    (numbers with awkward characters among them); one contact each, with an email."""
    clients = [factories.client(name) for name in NAMES]
    Contact.objects.bulk_create(
        Contact(client=client, email=f"billing{i}@{client.name.split()[0].lower()[:8]}.example")
        for i, client in enumerate(clients)
    )
    invoice_series = services.default_series(DocumentKind.INVOICE)
    day = datetime.date(2026, 1, 1)
    invoices = Invoice.objects.bulk_create(
        Invoice(
            client=client,
            series=invoice_series,
            status=InvoiceStatus.CREDITED,
            number=f"INV-2026-{n:05d}" if n % 7 else f"50%OFF-{n:05d}",
            sequence=n,
            currency="EUR",
            issue_date=day + datetime.timedelta(days=n % 300),
            total=Decimal(120),
            amount_credited=Decimal(120),
            balance_due=Decimal(0),
        )
        for n, client in enumerate(
            (client for client in clients for _ in range(per_client)), start=1
        )
    )
    credit_series = services.default_series(DocumentKind.CREDIT_NOTE)
    CreditNote.objects.bulk_create(
        CreditNote(
            series=credit_series,
            number=f"CN-2026-{n:05d}" if n % 5 else f"CN_X\\{n:05d}",
            sequence=n,
            invoice=invoice,
            currency="EUR",
            issue_date=invoice.issue_date,
            snapshot={},
            net_total=Decimal(100),
            tax_total=Decimal(20),
            total=Decimal(120),
        )
        for n, invoice in enumerate(invoices, start=1)
    )
    quote_series = services.default_series(DocumentKind.QUOTE)
    Quote.objects.bulk_create(
        Quote(
            client=invoice.client,
            series=quote_series,
            status=QuoteStatus.SENT if n % 4 else QuoteStatus.DRAFT,
            number=f"QUO-2026-{n:05d}" if n % 4 else "",
            sequence=n if n % 4 else None,
            currency="EUR",
            issue_date=invoice.issue_date if n % 4 else None,
        )
        for n, invoice in enumerate(invoices, start=1)
    )
    return clients
