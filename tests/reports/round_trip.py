"""Exporting every CSV and the books it starts from, for the round-trip and import tests."""

from __future__ import annotations

import datetime

from django.apps import apps
from django.db import connection
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import BusinessProfile
from tests.fixtures import factories
from tests.fixtures.books import issue


def business_without_credit_notes(owner: User) -> None:
    factories.business()
    vat, reduced = factories.tax_rate("VAT", "20"), factories.tax_rate("VAT", "5.5")
    factories.product("Design work", "80", taxes=[vat])
    factories.product("=Formula product", "12.5", taxes=[vat, reduced])
    globex = factories.client("Globex Corporation", payment_terms_days=15, notes="+ VIP")
    umbrella = factories.client("Umbrella Ltd", email="ap@umbrella.example", currency="USD")
    line = factories.line
    today = services.business_today()
    first = issue(
        globex,
        owner,
        days_ago=40,
        lines=[
            line("Design", "3", "80", [vat], unit="hour"),
            line("-Discounted book", "1", "33.33", [reduced]),
        ],
    )
    services.record_payment(first, amount="50.00", by=owner, date=today)
    issue(
        umbrella,
        owner,
        days_ago=10,
        currency="USD",
        rate="0.9137",
        lines=[line("Audit", "7", "99.99", [vat], discount_type="percent", discount_value="10")],
    )
    sent = issue(globex, owner, days_ago=5, lines=[line("Travel", "1", "412.37")])
    services.mark_sent(sent, by=owner)
    paid = issue(
        umbrella,
        owner,
        days_ago=2,
        currency="USD",
        rate="0.92",
        lines=[line("Support", "12", "45", [vat])],
    )
    services.record_payment(
        paid, amount=paid.balance_due, by=owner, date=today - datetime.timedelta(days=1)
    )


def export_all(client: HttpClient) -> dict[str, bytes]:
    return {
        kind: b"".join(client.get(f"/data/export/{kind}.csv").streaming_content)  # type: ignore[attr-defined]
        for kind in KINDS
    }


KINDS = ("clients", "products", "invoices")


def empty_the_books() -> None:
    """TRUNCATE (not DELETE: issued documents refuse deletion) everything but the profile."""
    tables = [
        model._meta.db_table
        for model in apps.get_app_config("billing").get_models(include_auto_created=True)
        if model is not BusinessProfile
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred FK checks left pending
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
