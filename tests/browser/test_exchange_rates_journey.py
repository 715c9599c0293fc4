"""In Chromium: the owner imports the ECB's history file on Settings → Exchange rates, then issues
a USD invoice whose rate the issue form has filled in from the table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing.models import ExchangeRate, Invoice
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in
from tests.fixtures.ecb import HISTORY_FILE, HISTORY_USD, expected_rate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def test_importing_rates_and_issuing_a_usd_invoice_with_the_tables_rate(
    live_server: Any, page: Any, owner: User
) -> None:
    base = live_server.url
    factories.business()  # base currency EUR
    client = factories.client("Initech Inc", currency="USD", email="ap@initech.example")
    draft = factories.draft(owner, for_client=client)
    assert draft.currency == "USD" and draft.issue_date is None
    sign_in(page, base)

    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="Exchange rates").click()
    page.get_by_text("No rates match.").wait_for()
    page.get_by_role("link", name="Import").click()
    page.get_by_label("File").set_input_files(str(HISTORY_FILE))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported the rates of 2024-12-04 to 2024-12-06: 90 new").wait_for()
    screenshot(page, "rates-01-imported")
    assert ExchangeRate.objects.count() == 90
    page.get_by_label("Currency").select_option("USD")
    page.get_by_role("button", name="Filter").click()
    assert page.locator("tr[data-rate]").count() == 3

    friday = expected_rate("1", HISTORY_USD["2024-12-06"]).normalize()  # the latest before today
    page.goto(f"{base}/invoices/{draft.pk}/")
    rate_box = page.get_by_label("Exchange rate")
    assert rate_box.input_value() == str(friday)
    page.get_by_text(f"From the rate table: 1 USD = {friday} EUR on 2024-12-06.").wait_for()
    screenshot(page, "rates-02-issue-form")
    page.get_by_role("button", name="Issue invoice").click()
    page.get_by_text("is issued.").wait_for()
    issued = Invoice.objects.get(pk=draft.pk)
    assert issued.exchange_rate == Decimal(friday)
    assert issued.snapshot["exchange_rate"] == str(expected_rate("1", HISTORY_USD["2024-12-06"]))
    page.get_by_text(f"(1 USD = {friday} EUR)").wait_for()
    screenshot(page, "rates-03-issued")
