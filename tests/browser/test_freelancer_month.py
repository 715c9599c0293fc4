"""A freelancer's month, end to end in Chromium, with the real worker and a real SMTP server.

First run → setup → business profile → a client in another currency → quote → the client accepts
it on the public page → convert → issue → email → partial payment → credit note → a recurring
invoice in that currency issued by the worker → an overdue reminder with a late fee → the
dashboard and reports, which must agree with the documents to the cent.

The worker runs as `invoicetron worker --once` in a subprocess against the test database, as an
operator's CronJob would; the screenshots of every step are kept in test-artifacts/month-*.png.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest

from invoicetron.accounts.models import User
from invoicetron.automation.models import RecurringRun, ReminderClaim
from invoicetron.billing import money
from invoicetron.billing.models import CreditNote, Invoice, InvoiceStatus
from invoicetron.quotes.models import Quote, QuoteStatus
from tests.fixtures.browser import screenshot
from tests.fixtures.processes import cli_environment, run_cli, shared_database_url
from tests.fixtures.smtp import MailServer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("job_tables", "mail_server"),
]

PASSWORD = "a-long-month-of-invoices-2026"
TODAY = datetime.date.today()


def shot(page: Any, step: int, name: str) -> None:
    screenshot(page, f"month-{step:02d}-{name}")


def run_worker(smtp: MailServer) -> str:
    """`invoicetron worker --once` against the test database, mailing through the test server."""
    environment = cli_environment(
        DATABASE_URL=shared_database_url(),
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_USE_TLS="false",
        EMAIL_USE_SSL="false",
        DEFAULT_FROM_EMAIL="Acme Studio <billing@acme.example>",
    )
    result = run_cli("worker", "--once", env=environment)
    assert result.returncode == 0, result.stderr
    return result.stderr


def text_of(message: Any) -> str:
    body = message.get_body(preferencelist=("plain",))
    return str(body.get_content()) if body else ""


def first_run_and_setup(page: Any, base: str) -> None:
    page.goto(f"{base}/")
    page.wait_for_url(f"{base}/accounts/setup/")  # no account yet: the way forward, not a login
    shot(page, 1, "first-run")
    page.get_by_label("Your name").fill("Ada Freelancer")
    page.get_by_label("Email").fill("ada@studio.example")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Create owner account").click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/(settings/)?$"))


def business_profile(page: Any, base: str) -> None:
    page.goto(f"{base}/settings/")
    page.get_by_label("Business name").fill("Acme Studio")
    page.get_by_label("Address").fill("Hauptstraße 1\n10115 Berlin")
    page.get_by_label("Base currency").select_option("EUR")
    page.get_by_label("Payment instructions").fill("IBAN DE89 3704 0044 0532 0130 00")
    page.get_by_role("button", name="Save business profile").click()
    page.get_by_text("The business profile is saved.").wait_for()
    page.goto(f"{base}/settings/tax-rates/new/")
    page.get_by_label("Name").fill("VAT")
    page.get_by_label("Rate (%)").fill("19")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Tax rate VAT 19 % is saved.").wait_for()
    shot(page, 2, "profile-and-tax")


def client_in_pounds(page: Any, base: str) -> None:
    page.goto(f"{base}/clients/new/")
    page.locator("#id_name").fill("Brighton Pier Ltd")
    page.get_by_label("Billing address").fill("Madeira Drive\nBrighton BN2 1TW")
    page.get_by_label("Currency").select_option("GBP")
    page.locator('[name="contacts-0-name"]').fill("Penny Pier")
    page.locator('[name="contacts-0-email"]').fill("penny@pier.example")
    page.get_by_role("button", name="Save client").click()
    page.get_by_role("heading", name="Brighton Pier Ltd").wait_for()
    shot(page, 3, "client")


def fill_line(page: Any, index: int, description: str, quantity: str, price: str) -> None:
    if index:
        page.get_by_role("button", name="Add line").click()
    page.locator(f'[name="lines-{index}-description"]').fill(description)
    page.locator(f'[name="lines-{index}-quantity"]').fill(quantity)
    page.locator(f'[name="lines-{index}-unit_price"]').fill(price)
    page.locator("#lines fieldset.line").nth(index).get_by_label("VAT 19 %", exact=True).check()


def quote_sent_and_accepted(page: Any, browser: Any, base: str, smtp: MailServer) -> Quote:
    page.goto(f"{base}/quotes/new/")
    page.get_by_label("Client").select_option(label="Brighton Pier Ltd")
    fill_line(page, 0, "Brand workshop", "2", "650")
    fill_line(page, 1, "Logo design", "1", "800")
    page.get_by_role("button", name="Save draft quote").click()
    page.get_by_role("heading", name="Draft quote").wait_for()
    page.get_by_role("button", name="Send quote").click()
    page.get_by_role("heading", name=re.compile(r"^Quote Q")).wait_for()
    shot(page, 4, "quote-sent")
    run_worker(smtp)
    [mail] = [m for m in smtp.received if "penny@pier.example" in m.recipients]
    link = re.search(r"https?://\S+/p/[\w-]+/", text_of(mail.message))
    assert link, "the quote email carries the client's public link"

    # The client, in a browser of their own, without an account.
    client_context = browser.new_context(viewport={"width": 1280, "height": 900})
    client_page = client_context.new_page()
    client_page.goto(base + urlsplit(link.group(0)).path)
    client_page.get_by_text("Brand workshop").wait_for()
    shot(client_page, 5, "public-quote")
    client_page.get_by_role("button", name=re.compile("Accept")).click()
    client_page.get_by_text(re.compile("accepted", re.IGNORECASE)).first.wait_for()
    shot(client_page, 6, "public-quote-accepted")
    client_context.close()
    quote = Quote.objects.get()
    assert quote.status == QuoteStatus.ACCEPTED
    return quote


def convert_and_issue(page: Any, base: str, quote: Quote) -> Invoice:
    """The accepted quote becomes an invoice dated six weeks back, so that it is overdue now."""
    page.goto(f"{base}/quotes/{quote.pk}/")
    page.get_by_role("button", name="Convert to invoice").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()
    page.get_by_role("link", name="Edit draft").click()
    page.get_by_label("Issue date").fill((TODAY - datetime.timedelta(days=42)).isoformat())
    page.get_by_label("Due date").fill((TODAY - datetime.timedelta(days=28)).isoformat())
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()
    page.get_by_label("Exchange rate").fill("1.1650")
    page.get_by_role("button", name="Issue invoice").click()
    page.get_by_role("heading", name=re.compile(r"^Invoice INV-")).wait_for()
    shot(page, 7, "invoice-issued")
    quote.refresh_from_db()
    invoice = Invoice.objects.get(pk=quote.invoice_id)
    assert invoice.currency == "GBP" and invoice.exchange_rate == Decimal("1.1650")
    # 2 x 650 + 800 = 2,100.00 net, 19 % VAT 399.00
    assert invoice.total == Decimal("2499.00")
    assert page.locator("[data-total]").inner_text() == "2,499.00 GBP"
    return invoice


def email_the_invoice(page: Any, smtp: MailServer, invoice: Invoice) -> None:
    page.get_by_role("button", name="Send by email").click()
    page.get_by_text("Email queued to penny@pier.example.").wait_for()
    before = len(smtp.received)
    run_worker(smtp)
    [mail] = smtp.received[before:]
    assert invoice.number in str(mail.message["Subject"]) + text_of(mail.message)
    assert any(
        part.get_content_type() == "application/pdf" for part in mail.message.iter_attachments()
    )
    page.reload()
    assert page.locator(".deliveries .badge").first.inner_text() == "Sent"
    shot(page, 8, "invoice-emailed")


def partial_payment_and_credit(page: Any, invoice: Invoice) -> None:
    page.get_by_label("Amount").fill("1000")
    page.get_by_role("button", name="Record payment").click()
    page.get_by_text("recorded.").wait_for()
    assert page.locator("[data-balance]").inner_text() == "1,499.00 GBP"
    page.get_by_role("link", name="Credit note", exact=True).click()
    page.get_by_label("Only the quantities below").check()
    page.get_by_label("Quantity to credit: Brand workshop").fill("1")
    page.get_by_label("Reason").fill("One workshop day was cancelled")
    page.get_by_role("button", name="Issue credit note").click()
    page.get_by_text(re.compile(r"Credit note CN-\d{4}-0001 is issued")).wait_for()
    note = CreditNote.objects.get()
    # 650.00 net; its own tax: 19 % of 650.00 = 123.50
    assert (note.net_total, note.tax_total, note.total) == (
        Decimal("650.00"),
        Decimal("123.50"),
        Decimal("773.50"),
    )
    assert page.locator("[data-balance]").inner_text() == "725.50 GBP"
    shot(page, 9, "paid-in-part-and-credited")


def recurring_in_pounds(page: Any, base: str, smtp: MailServer) -> Invoice:
    page.goto(f"{base}/recurring/new/")
    page.get_by_label("Name").fill("Monthly retainer")
    page.get_by_label("Client").select_option(label="Brighton Pier Ltd")
    page.get_by_label("Start date").fill(TODAY.isoformat())
    fill_line(page, 0, "Retainer", "1", "400")
    page.get_by_role("button", name=re.compile("^Save")).click()
    page.get_by_role("heading", name="Monthly retainer").wait_for()
    shot(page, 10, "recurring-created")
    run_worker(smtp)
    page.reload()
    [run] = RecurringRun.objects.all()
    invoice = Invoice.objects.get(pk=run.invoice_id)
    assert invoice.status != InvoiceStatus.DRAFT, "the schedule issues automatically"
    assert invoice.currency == "GBP"
    assert invoice.exchange_rate == Decimal("1.1650"), "the latest recorded GBP rate"
    assert page.get_by_role("link", name=invoice.number).is_visible()
    shot(page, 11, "recurring-issued-by-worker")
    return invoice


def overdue_reminder_with_fee(page: Any, base: str, smtp: MailServer, invoice: Invoice) -> None:
    page.goto(f"{base}/settings/reminders/new/")
    page.get_by_label("Days after the due date").fill("14")
    page.get_by_label("Late fee").select_option("percent")
    page.get_by_label("Fee", exact=True).fill("2")
    page.get_by_role("button", name="Save reminder").click()
    page.wait_for_url(f"{base}/settings/reminders/")
    shot(page, 12, "reminder-step")
    before = len(smtp.received)
    run_worker(smtp)
    reminders = [m for m in smtp.received[before:] if invoice.number in text_of(m.message)]
    assert len(reminders) == 1
    assert "28 days overdue" in text_of(reminders[0].message)
    [claim] = ReminderClaim.objects.filter(invoice=invoice)
    fee_invoice = claim.fee_invoice
    assert fee_invoice is not None
    # 2 % of the 725.50 still due, in the overdue invoice's currency
    assert fee_invoice.currency == "GBP" and fee_invoice.net_total == Decimal("14.51")


def reports_agree_with_documents(page: Any, base: str) -> None:
    page.goto(f"{base}/")
    shot(page, 13, "dashboard")
    assert page.get_by_text(re.compile("failing|could not", re.IGNORECASE)).count() == 0
    open_invoices = Invoice.objects.filter(balance_due__gt=0).exclude(status=InvoiceStatus.DRAFT)
    overdue = [i for i in open_invoices if i.due_date and i.due_date < TODAY]
    outstanding = sum(money.convert(i.balance_due, i.exchange_rate, "EUR") for i in open_invoices)
    late = sum(money.convert(i.balance_due, i.exchange_rate, "EUR") for i in overdue)
    paid = money.convert(Decimal("1000.00"), Decimal("1.1650"), "EUR")
    for label, figure in (
        ("Outstanding", outstanding),
        ("Overdue", late),
        ("Paid this month", paid),
    ):
        tile = page.locator(".kpi", has=page.get_by_text(label, exact=True))
        assert tile.locator(".kpi-value").inner_text() == money.format_amount(figure, "EUR"), label
    start = (TODAY - datetime.timedelta(days=60)).isoformat()
    query = f"date_from={start}&date_to={TODAY.isoformat()}"
    page.goto(f"{base}/reports/sales/?{query}")
    shot(page, 14, "sales-report")
    sales = report_csv(page, f"{base}/reports/sales/?{query}&format=csv")
    tax = report_csv(page, f"{base}/reports/tax/?{query}&format=csv")

    def in_euros(field: str) -> Decimal:
        invoiced = Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        credited = CreditNote.objects.select_related("invoice")
        return sum(
            (money.convert(getattr(i, field), i.exchange_rate or 1, "EUR") for i in invoiced),
            Decimal(0),
        ) - sum(
            (
                money.convert(getattr(n, field), n.invoice.exchange_rate or 1, "EUR")
                for n in credited
            ),
            Decimal(0),
        )

    expected_net, expected_tax = in_euros("net_total"), in_euros("tax_total")
    total = sales[-1]
    assert total["period"] == "Total"
    assert Decimal(total["net_sales"]) == expected_net
    assert Decimal(total["tax"]) == expected_tax
    assert tax[-1]["tax"] == "Total" and Decimal(tax[-1]["tax_due"]) == expected_tax
    assert sum(Decimal(row["tax_due"]) for row in tax[:-1]) == expected_tax
    # The page shows the same figures as its CSV.
    page.get_by_role("cell", name=money.format_amount(expected_net, "EUR")).first.wait_for()


def report_csv(page: Any, url: str) -> list[dict[str, str]]:
    response = page.request.get(url)
    assert response.ok, url
    return list(csv.DictReader(io.StringIO(response.text().lstrip("\ufeff"))))


def test_a_freelancers_month_in_the_browser(
    live_server: Any, browser: Any, request: pytest.FixtureRequest
) -> None:
    smtp: MailServer = request.getfixturevalue("mail_server")
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)

    first_run_and_setup(page, base)
    assert User.objects.get().is_owner
    business_profile(page, base)
    client_in_pounds(page, base)
    quote = quote_sent_and_accepted(page, browser, base, smtp)
    invoice = convert_and_issue(page, base, quote)
    email_the_invoice(page, smtp, invoice)
    partial_payment_and_credit(page, invoice)
    recurring_in_pounds(page, base, smtp)
    overdue_reminder_with_fee(page, base, smtp, invoice)
    reports_agree_with_documents(page, base)
    context.close()
