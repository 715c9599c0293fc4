"""A small business's books for the reports tests: several clients, currencies, taxes, ages.

`books()` builds them through the billing services and factories, relative to today, so that
every aging bucket, a foreign currency, a partial payment and a credit note are present.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Client, Invoice, TaxRate
from tests.billing import factories


@dataclass
class Books:
    today: datetime.date
    clients: list[Client]
    vat: TaxRate
    reduced: TaxRate
    invoices: list[Invoice]


def issue(
    client: Client,
    by: User | None,
    *,
    days_ago: int,
    lines: list[services.LineData],
    terms: int = 30,
    currency: str | None = None,
    rate: str | None = None,
) -> Invoice:
    today = services.business_today()
    issued_on = today - datetime.timedelta(days=days_ago)
    invoice = services.create_draft(
        client=client,
        by=by,
        lines=lines,
        currency=currency,
        issue_date=issued_on,
        due_date=issued_on + datetime.timedelta(days=terms),
    )
    return services.issue_invoice(invoice, by=by, exchange_rate=rate)


def books(by: User | None = None) -> Books:
    factories.business()
    today = services.business_today()
    vat, reduced = factories.tax_rate("VAT", "20"), factories.tax_rate("VAT", "5.5")
    globex = factories.client("Globex Corporation")
    initech = factories.client("Initech", email="ap@initech.example")
    umbrella = factories.client("Umbrella Ltd", email="ap@umbrella.example", currency="USD")
    line = factories.line
    invoices = [
        # Current (not yet due), paid in part.
        issue(globex, by, days_ago=3, lines=[line("Design", "3", "80", [vat])]),
        # 1-30 days late, two rates.
        issue(
            initech,
            by,
            days_ago=45,
            lines=[
                line("Consulting", "2.5", "120", [vat]),
                line("Book", "1", "33.33", [reduced]),
            ],
        ),
        # 31-60 days late, in USD at a recorded rate.
        issue(
            umbrella,
            by,
            days_ago=80,
            currency="USD",
            rate="0.9137",
            lines=[line("Audit", "7", "99.99", [vat])],
        ),
        # 61-90 days late, untaxed line.
        issue(globex, by, days_ago=110, lines=[line("Travel", "1", "412.37")]),
        # Over 90 days late, partly credited.
        issue(
            initech,
            by,
            days_ago=200,
            lines=[
                line("Workshop", "1", "1000", [vat]),
                line("Printing", "10", "2.35", [vat]),
            ],
        ),
        # Paid in full.
        issue(
            umbrella,
            by,
            days_ago=20,
            currency="USD",
            rate="0.92",
            lines=[line("Support", "12", "45", [vat])],
        ),
    ]
    services.record_payment(invoices[0], amount="100.00", by=by, date=today)
    services.record_payment(
        invoices[5], amount=invoices[5].balance_due, by=by, date=today - datetime.timedelta(days=5)
    )
    printing = invoices[4].lines.get(description="Printing")
    services.create_credit_note(
        invoices[4],
        by=by,
        lines=[services.CreditLine(printing.pk, "4")],
        issue_date=today - datetime.timedelta(days=10),
    )
    factories.draft(by, for_client=globex)  # drafts never count
    return Books(
        today,
        [globex, initech, umbrella],
        vat,
        reduced,
        list(Invoice.objects.exclude(status="draft").order_by("id")),
    )


ZERO = Decimal(0)
