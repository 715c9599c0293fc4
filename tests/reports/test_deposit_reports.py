"""A quote paid through a deposit invoice and its final invoice: the sales report, the tax report,
the tax summary (billing 0008) and the per-client summary (billing 0011) count each document once
and add up to the quote to the cent, the VAT once; what is owed (aging, dashboard) follows each
step, and the payments report and the dashboard count the money received once."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import money, services
from invoicetron.billing.models import Payment
from invoicetron.quotes.services import (
    accept_quote,
    convert_to_invoice,
    create_quote,
    request_deposit,
    send_quote,
)
from invoicetron.reports.aging import current_aging, owed_by_age
from invoicetron.reports.amounts import Base, DateRange
from invoicetron.reports.dashboard import build_dashboard
from invoicetron.reports.sales import (
    payments_summary,
    payments_summary_from_documents,
    sales_by_period,
    sales_by_period_from_documents,
    sum_rows,
    tax_summary,
    tax_summary_from_documents,
)
from tests.fixtures import factories
from tests.reports.summaries import (
    client_summary_recomputed,
    client_summary_stored,
    tax_summary_recomputed,
    tax_summary_stored,
)

pytestmark = pytest.mark.django_db
EUR = Base("EUR", 2)


def summaries_equal_the_documents() -> None:
    assert tax_summary_stored() == tax_summary_recomputed()
    assert client_summary_stored() == client_summary_recomputed()
    every = DateRange()
    from_summary = [vars(row) for row in tax_summary(EUR, every)]
    from_documents = [vars(row) for row in tax_summary_from_documents(EUR, every)]
    for row in from_documents:
        row["rate"] = row["rate"].normalize()
    assert from_summary == from_documents
    sales = [vars(row) for row in sales_by_period(EUR, every)]
    assert sales == [vars(row) for row in sales_by_period_from_documents(EUR, every)]
    received = payments_summary(EUR, every)
    assert received == payments_summary_from_documents(EUR, every)
    assert received["total"] == received_from_the_payments()
    dashboard = build_dashboard()
    assert dashboard.outstanding == owed_now()
    assert dashboard.paid_this_month == received_from_the_payments()


def received_from_the_payments() -> Decimal:
    """Every payment recorded, in EUR: a deposit deducted on the final invoice is no payment of
    it, so the money comes in once."""
    return sum(
        (money.convert(p.amount, p.invoice.exchange_rate, "EUR") for p in every_payment()),
        Decimal(0),
    )


def every_payment() -> list[Payment]:
    return list(Payment.objects.select_related("invoice").order_by("pk"))


def owed_now() -> Decimal:
    return current_aging(owed_by_age(EUR, services.business_today())).total


def test_deposit_and_final_invoice_count_once_in_every_report(owner: User) -> None:
    factories.business()
    standard, reduced = factories.tax_rate("VAT", "19"), factories.tax_rate("VAT", "7")
    quote = create_quote(
        client=factories.client(),
        by=owner,
        lines=[
            factories.line("Build", "7", "123.45", [standard]),
            factories.line("Books", "3", "33.33", [reduced]),
        ],
        discount_value="3",
    )
    quote = send_quote(quote, by=owner, email=False)
    whole = quote.snapshot["totals"]
    deposit = services.issue_invoice(request_deposit(quote, by=owner, percent="30"), by=owner)
    summaries_equal_the_documents()
    assert owed_now() == deposit.total
    services.record_payment(deposit, amount=deposit.balance_due, by=owner)
    assert owed_now() == 0
    accept_quote(quote, by=owner)
    final = services.issue_invoice(convert_to_invoice(quote, by=owner), by=owner)
    summaries_equal_the_documents()
    assert owed_now() == final.total == quote.total - deposit.total
    services.record_payment(final, amount=final.balance_due, by=owner)
    summaries_equal_the_documents()
    assert owed_now() == 0

    # The reports add up to the quote: net, VAT per rate and total, each counted once.
    sales = sum_rows(sales_by_period(EUR, DateRange()))
    assert sales.invoices == 2
    assert sales.invoiced_net == Decimal(whole["net_total"])
    assert sales.invoiced_tax == Decimal(whole["tax_total"])
    taxes = {row.rate.normalize(): row for row in tax_summary(EUR, DateRange())}
    for row in whole["taxes"]:
        counted = taxes[Decimal(row["rate"]).normalize()]
        assert (counted.invoiced_base, counted.invoiced_tax) == (
            Decimal(row["base"]),
            Decimal(row["tax"]),
        )
        assert counted.invoices == 2
    assert deposit.total + final.total == quote.total
    # The money received: the deposit's payment and the final invoice's, the quote in all.
    assert [p.amount for p in every_payment()] == [deposit.total, final.total]
    assert payments_summary(EUR, DateRange())["total"] == quote.total
    assert build_dashboard().paid_this_month == quote.total
