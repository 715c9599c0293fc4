"""Property test: for random books, the reports agree with the documents to the cent.

Random invoices (several tax rates, line and document discounts, prices with or without tax, a
foreign currency at a random rate) are issued and credited through the billing services; the
sales and tax reports are then read as CSV over HTTP. Few examples, as each writes to PostgreSQL;
the money rules themselves are explored widely in tests/billing/test_credit_note_properties.py.
Examples accumulate in the test's database, so every check is over all documents so far.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from invoicetron.accounts.models import User
from invoicetron.billing import money, services
from invoicetron.billing.models import CreditNote
from tests.fixtures import factories
from tests.reports.reconciliation import csv_rows, documents_in_eur

pytestmark = pytest.mark.django_db
RATES = [("VAT", "20"), ("VAT", "5.5"), ("VAT", "19"), ("GST", "5"), ("QST", "9.975")]

line_data = st.fixed_dictionaries(
    {
        "quantity": st.decimals(min_value="0.5", max_value=40, places=2),
        "price": st.decimals(min_value="0.01", max_value=900, places=2),
        "taxes": st.lists(st.sampled_from(range(len(RATES))), max_size=2, unique=True),
        "discount": st.sampled_from(["0", "0", "5", "12.5"]),
    }
)
books = st.lists(
    st.fixed_dictionaries(
        {
            "lines": st.lists(line_data, min_size=1, max_size=4),
            "inclusive": st.booleans(),
            "discount": st.sampled_from(["0", "0", "3", "7.5"]),
            "currency": st.sampled_from([("EUR", None), ("USD", "0.9137"), ("GBP", "1.171")]),
            "credits": st.sampled_from(["none", "one line", "line by line", "half, then rest"]),
        }
    ),
    min_size=1,
    max_size=3,
)


def credit(invoice: object, how: str, owner: User) -> None:
    ids = [row["id"] for row in invoice.snapshot["lines"]]  # type: ignore[attr-defined]
    if how == "one line":
        services.create_credit_note(invoice, by=owner, lines=[services.CreditLine(ids[0], "0.5")])
    elif how == "line by line":
        for line in ids:
            left = services.remaining_quantities(invoice)[line]  # type: ignore[arg-type]
            services.create_credit_note(invoice, by=owner, lines=[services.CreditLine(line, left)])
    elif how == "half, then rest":
        services.create_credit_note(invoice, by=owner, lines=[services.CreditLine(ids[0], "0.25")])
        services.create_credit_note(invoice, by=owner)


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drawn=books)
def test_reports_reconcile_with_the_documents(
    drawn: list[dict[str, object]], owner: User, client: HttpClient
) -> None:
    factories.business()
    taxes = [factories.tax_rate(name, rate) for name, rate in RATES]
    customer = factories.client()
    for book in drawn:
        lines = [
            factories.line(
                "Work",
                str(row["quantity"]),
                str(row["price"]),
                [taxes[index] for index in row["taxes"]],
                discount_value=row["discount"],
            )
            for row in book["lines"]  # type: ignore[attr-defined]
        ]
        currency, rate = book["currency"]  # type: ignore[misc]
        draft = services.create_draft(
            client=customer,
            by=owner,
            lines=lines,
            currency=currency,
            prices_include_tax=book["inclusive"],  # type: ignore[arg-type]
            discount_value=book["discount"],  # type: ignore[arg-type]
        )
        invoice = services.issue_invoice(draft, by=owner, exchange_rate=rate)
        credit(invoice, book["credits"], owner)  # type: ignore[arg-type]
        invoice.refresh_from_db()
        assert invoice.balance_due >= 0

    for note in CreditNote.objects.filter(snapshot__prices_include_tax=False):
        for row in note.snapshot["totals"]["taxes"]:
            own = Decimal(row["base"]) * Decimal(row["rate"]) / 100
            assert Decimal(row["tax"]) == money.round_to_minor_unit(own, note.currency)

    client.force_login(owner)
    sales = csv_rows(client, "/reports/sales/?period=quarter&format=csv")[-1]
    tax = csv_rows(client, "/reports/tax/?format=csv")
    net, by_rate, total = documents_in_eur()
    assert Decimal(sales["net_sales"]) == net
    assert Decimal(sales["tax"]) == Decimal(tax[-1]["tax_due"]) == sum(by_rate.values(), Decimal(0))
    assert Decimal(sales["total"]) == total
    reported = {(row["tax"], Decimal(row["rate"])): Decimal(row["tax_due"]) for row in tax[:-1]}
    assert reported == by_rate
