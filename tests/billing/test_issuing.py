from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.dates import local_date
from invoicetron.billing.models import BusinessProfile, Invoice, InvoiceStatus, business_today
from tests.fixtures import factories


@pytest.fixture(autouse=True)
def business(db: None) -> None:
    factories.business()


def test_issuing_assigns_the_first_number_of_the_year(owner: User) -> None:
    invoice = factories.draft(owner)
    issued = services.issue_invoice(invoice, by=owner, issue_date=datetime.date(2026, 3, 5))
    assert issued.number == "INV-2026-0001"
    assert issued.status == InvoiceStatus.ISSUED
    assert issued.due_date == datetime.date(2026, 4, 4)  # 30 days of default terms
    assert issued.total == Decimal("432.00")  # (240 + 120) + 20 % VAT
    assert issued.snapshot is not None
    assert issued.snapshot["client"]["name"] == "Globex Corporation"
    assert issued.snapshot["totals"]["taxes"] == [
        {"name": "VAT", "rate": "20.000", "base": "360.00", "tax": "72.00"}
    ]


def test_numbers_follow_each_other_and_restart_each_year(owner: User) -> None:
    dates = [datetime.date(2026, 12, 30), datetime.date(2026, 12, 31), datetime.date(2027, 1, 1)]
    numbers = [
        services.issue_invoice(factories.draft(owner), by=owner, issue_date=day).number
        for day in dates
    ]
    assert numbers == ["INV-2026-0001", "INV-2026-0002", "INV-2027-0001"]


def test_deleted_drafts_burn_no_number(owner: User) -> None:
    services.delete_draft(factories.draft(owner), by=owner)
    assert services.issue_invoice(factories.draft(owner), by=owner).number.endswith("-0001")


def test_a_refused_issue_burns_no_number(owner: User) -> None:
    foreign = factories.draft(owner, currency="USD")
    with pytest.raises(ValidationError) as refused:
        services.issue_invoice(foreign, by=owner)  # no exchange rate given
    assert "exchange_rate" in refused.value.message_dict
    assert services.issue_invoice(factories.draft(owner), by=owner).number.endswith("-0001")


def test_a_foreign_currency_invoice_records_its_exchange_rate(owner: User) -> None:
    invoice = factories.draft(owner, currency="USD")
    issued = services.issue_invoice(invoice, by=owner, exchange_rate="0.9231")
    assert issued.exchange_rate == Decimal("0.9231")
    snapshot = Invoice.objects.get(pk=issued.pk).snapshot
    assert snapshot is not None and snapshot["exchange_rate"] == "0.9231"


def test_an_invoice_without_lines_cannot_be_issued(owner: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.issue_invoice(factories.draft(owner, lines=[]), by=owner)
    assert "lines" in refused.value.message_dict


def test_marking_sent_moves_an_issued_invoice_to_sent(owner: User) -> None:
    invoice = services.mark_sent(factories.issued_invoice(owner), by=owner)
    assert invoice.status == InvoiceStatus.SENT
    assert invoice.sent_at is not None


def test_overdue_is_derived_from_the_due_date(owner: User) -> None:
    invoice = factories.issued_invoice(
        owner, issue_date=datetime.date(2026, 1, 1), due_date=datetime.date(2026, 1, 31)
    )
    assert invoice.is_overdue(today=datetime.date(2026, 2, 1))
    assert not invoice.is_overdue(today=datetime.date(2026, 1, 31))
    assert list(Invoice.objects.overdue(datetime.date(2026, 2, 1))) == [invoice]


def test_overdue_without_a_date_counts_from_the_business_date_not_the_server_date(
    owner: User,
) -> None:
    server_today = datetime.date.today()
    # A zone whose date is not the server's right now: UTC+14 from 10:00 UTC, else UTC-11.
    zone = next(
        z for z in ("Pacific/Kiritimati", "Pacific/Pago_Pago") if local_date(z) != server_today
    )
    profile = BusinessProfile.load()
    profile.time_zone = zone
    profile.save()
    business = business_today()
    # Due on the earlier of the two dates: overdue where the business is exactly when its date
    # is the later one, and the server's date gives the other answer.
    due = min(server_today, business)
    invoice = factories.issued_invoice(owner, issue_date=due, due_date=due)
    assert invoice.is_overdue() is (business > server_today), (zone, business, server_today)
    assert invoice.is_overdue(today=server_today) is not invoice.is_overdue()


def test_a_yen_invoice_is_computed_in_whole_yen(owner: User) -> None:
    vat = factories.tax_rate("Consumption tax", "10")
    lines = [factories.line("Consulting", "1.5", "33333", [vat])]
    invoice = factories.draft(owner, lines=lines, currency="JPY")
    issued = services.issue_invoice(invoice, by=owner, exchange_rate="0.0061")
    assert (issued.net_total, issued.tax_total, issued.total) == (
        Decimal("50000"),
        Decimal("5000"),
        Decimal("55000"),
    )


def test_tax_inclusive_prices_are_split_into_net_and_tax(owner: User) -> None:
    vat = factories.tax_rate()
    lines = [factories.line("Ticket", "3", "10.00", [vat])]
    invoice = services.issue_invoice(
        factories.draft(owner, lines=lines, prices_include_tax=True), by=owner
    )
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        Decimal("25.00"),
        Decimal("5.00"),
        Decimal("30.00"),
    )


def test_updating_a_draft_replaces_its_lines_and_recomputes_its_totals(owner: User) -> None:
    invoice = factories.draft(owner)
    lines = [factories.line("Only line", "2", "50", [factories.tax_rate()])]
    services.update_draft(invoice, by=owner, lines=lines, notes="Revised")
    invoice.refresh_from_db()
    assert [line.description for line in services.draft_lines(invoice)] == ["Only line"]
    assert (invoice.total, invoice.notes) == (Decimal("120.00"), "Revised")
