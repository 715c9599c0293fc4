"""Deposits, final invoices, refunds and client credit through export and re-import (issue 19).

The books are exported over HTTP, emptied, and imported again by the import service, then by the
import pages and the worker: every invoice comes back with its kind, its deductions, its balance
due and its status to the cent, and what is owed matches.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, InvoiceKind
from invoicetron.billing.services.deposits import deposit_for_draft
from invoicetron.reports.aging import current_aging, owed_by_age
from invoicetron.reports.amounts import Base
from invoicetron.reports.csvio.reader import parse
from invoicetron.reports.importers.runner import guess_mapping, run_import
from invoicetron.reports.importers.values import Options
from tests.fixtures import factories
from tests.fixtures.books import issue
from tests.reports.importing import commit, dry_run
from tests.reports.round_trip import KINDS, empty_the_books, export_all

pytestmark = pytest.mark.django_db
EUR = Base("EUR", 2)


def books_with_money_cases(owner: User) -> None:
    """A paid deposit and its final invoice; a refund in part and one in full; an overpayment
    kept as credit, applied to two invoices (one settled by credit alone), the rest refunded."""
    factories.business()
    vat, reduced = factories.tax_rate("VAT", "20"), factories.tax_rate("VAT", "5.5")
    factories.product("Build", "123.45", taxes=[vat])
    globex, initech = factories.client("Globex Corporation"), factories.client("Initech")
    line = factories.line
    today = services.business_today()
    day = datetime.timedelta(days=1)
    order = services.create_draft(
        client=globex,
        by=owner,
        lines=[line("Build", "7", "123.45", [vat]), line("Books", "3", "33.33", [reduced])],
        order_reference="PO-7",
        issue_date=today - 10 * day,
    )
    deposit = deposit_for_draft(order, by=owner, percent="30")
    deposit = services.issue_invoice(deposit, by=owner, issue_date=today - 30 * day)
    services.record_payment(deposit, amount=deposit.balance_due, by=owner, date=today - 29 * day)
    final = services.issue_invoice(order, by=owner)
    services.record_payment(final, amount="100.00", by=owner, date=today - 5 * day)

    partly = issue(initech, owner, days_ago=25, lines=[line("Audit", "2", "99.99", [vat])])
    payment = services.record_payment(partly, amount=partly.balance_due, by=owner)
    services.record_refund(payment, amount="40.01", by=owner)
    wholly = issue(initech, owner, days_ago=24, lines=[line("Travel", "1", "412.37")])
    services.mark_sent(wholly, by=owner)
    payment = services.record_payment(wholly, amount="412.37", by=owner)
    services.record_refund(payment, amount="412.37", by=owner)

    overpaid = issue(globex, owner, days_ago=20, lines=[line("Design", "3", "80", [vat])])
    services.record_payment(overpaid, amount="500.00", by=owner, keep_excess_as_credit=True)
    by_credit = issue(globex, owner, days_ago=15, lines=[line("Fix", "1", "25", [vat])])
    services.apply_credit(by_credit, by=owner)  # 30.00 of the 68.00
    part_credit = issue(globex, owner, days_ago=12, lines=[line("Call", "1", "50", [vat])])
    services.apply_credit(part_credit, by=owner, amount="20.00")
    services.refund_credit(globex, currency="EUR", amount="18.00", by=owner)


def figures() -> dict[str, tuple[str, str, Decimal, Decimal, Decimal, list[str]]]:
    """Each issued invoice's kind, status, total, amount paid, balance due and deductions."""
    return {
        invoice.number: (
            invoice.kind,
            invoice.status,
            invoice.total,
            invoice.amount_paid,
            invoice.balance_due,
            [link.deposit.number for link in invoice.deductions.all()],
        )
        for invoice in Invoice.objects.exclude(number="").prefetch_related("deductions__deposit")
    }


def owed_now() -> Decimal:
    return current_aging(owed_by_age(EUR, services.business_today())).total


def without_paid_date(content: bytes) -> list[dict[str, str]]:
    """The export's rows without paid_date: the date of the latest payment, which a fully
    refunded invoice or one settled by credit alone has no longer once re-imported."""
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    for row in rows:
        del row["paid_date"]
    return rows


def import_all(files: dict[str, bytes], owner: User, kinds: tuple[str, ...] = KINDS) -> list[str]:
    """Import each file with its columns matched by name; the outcome's examples."""
    examples = []
    for kind in kinds:
        parsed = parse(files[kind])
        mapping = guess_mapping(kind, parsed.header)
        outcome = run_import(kind, parsed, mapping, options=Options(), by=owner, commit=True)
        assert not outcome.errors, (kind, list(outcome.errors))
        examples += outcome.examples
    return examples


def test_deposits_refunds_and_credit_come_back_to_the_cent_from_an_export(
    owner: User, client: HttpClient
) -> None:
    books_with_money_cases(owner)
    before, owed = figures(), owed_now()
    statuses = {row[1] for row in before.values()}
    assert statuses == {"paid", "partially_paid", "sent"}, "the books cover every case"
    client.force_login(owner)
    exported = export_all(client)
    empty_the_books()

    examples = import_all(exported, owner)

    assert figures() == before
    assert owed_now() == owed
    [deposit] = Invoice.objects.filter(kind=InvoiceKind.DEPOSIT)
    final = Invoice.objects.get(deductions__deposit=deposit)
    assert final.snapshot["deductions"][0]["number"] == deposit.number
    assert f"Invoice {final.number} (partially_paid), deducts {deposit.number}" in examples
    assert without_paid_date(export_all(client)["invoices"]) == without_paid_date(
        exported["invoices"]
    )


@pytest.mark.usefixtures("job_tables")
@pytest.mark.django_db(transaction=True)
def test_the_import_pages_refuse_a_final_invoice_whose_deposit_is_missing(
    owner: User, client: HttpClient
) -> None:
    books_with_money_cases(owner)
    client.force_login(owner)
    exported = export_all(client)
    [deposit] = Invoice.objects.filter(kind=InvoiceKind.DEPOSIT).values_list("number", flat=True)
    empty_the_books()
    import_all(exported, owner, kinds=("clients", "products"))
    # The file without the deposit invoice's rows.
    rows = exported["invoices"].decode("utf-8-sig").splitlines(keepends=True)
    kept = [row for row in rows if not row.startswith(f"{deposit},")]
    page, _ = dry_run(client, "invoices", "".join(kept).encode())
    assert f"No deposit invoice {deposit}: import the deposit invoices first" in page

    page, _ = dry_run(client, "invoices", exported["invoices"])
    assert "No errors." in page
    done = commit(client, page)
    assert "Imported" in done and ", deposit invoice" in done
    assert Invoice.objects.get(number=deposit).kind == InvoiceKind.DEPOSIT


def test_an_unknown_kind_and_a_deposit_that_deducts_are_refused(owner: User) -> None:
    factories.business()
    factories.client("Globex Corporation")
    content = (
        b"number,client,kind,deducts,issue_date,line_description,line_unit_price\n"
        b"INV-2026-0001,Globex Corporation,advance,,2026-01-05,Work,100\n"
        b"INV-2026-0002,Globex Corporation,deposit,INV-2026-0001,2026-01-06,Work,100\n"
    )
    parsed = parse(content)
    outcome = run_import(
        "invoices",
        parsed,
        guess_mapping("invoices", parsed.header),
        options=Options(),
        by=owner,
        commit=True,
    )
    assert [(e.row, e.column, e.message) for e in outcome.errors] == [
        (2, "kind", "Unknown kind “advance”: standard or deposit."),
        (3, "deducts", "A deposit invoice does not deduct other deposits."),
    ]
    assert not Invoice.objects.exists()
