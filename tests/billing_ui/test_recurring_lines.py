"""Recurring invoices written like invoices: the product picker and line discounts."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.automation import recurring
from invoicetron.automation.models import RecurringInvoice
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line


def schedule_post(client: object, lines: list[dict[str, object]], **fields: str) -> dict:
    data = invoice_post(client, lines)  # type: ignore[arg-type]
    for name in ("series", "issue_date", "due_date", "terms"):
        data.pop(name)
    return data | {
        "name": "Monthly retainer",
        "frequency": "monthly",
        "start_date": "2026-01-31",
        "end_date": "",
        "max_count": "",
        "auto_issue": "on",
        **fields,
    }


def test_the_schedule_form_offers_the_products_and_line_discounts(as_owner: WebClient) -> None:
    factories.product("Hosting plan", "30")
    page = as_owner.get(reverse("automation:schedule_new")).content.decode()
    assert "Hosting plan" in page and 'id="add-product"' in page
    assert 'name="lines-0-discount_value"' in page
    row = as_owner.get(
        reverse("billing:line_row"),
        {"lines-TOTAL_FORMS": "1", "add_product": str(factories.product("Support", "45").pk)},
    ).content.decode()
    assert 'name="lines-1-description"' in row and 'value="Support"' in row


def test_the_invoices_a_schedule_makes_carry_its_line_discounts_and_products(
    as_owner: WebClient,
) -> None:
    vat = factories.tax_rate("VAT", "20")
    hosting = factories.product("Hosting plan", "30")
    lines = [
        line("Retainer", "1", "500", [vat], discount_type="percent", discount_value="10"),
        line("Hosting plan", "2", "30", [vat], discount_type="amount", discount_value="5")
        | {"product": str(hosting.pk)},
    ]
    response = as_owner.post(
        reverse("automation:schedule_new"), schedule_post(factories.client(), lines)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = RecurringInvoice.objects.get()
    edit = as_owner.get(reverse("automation:schedule_edit", args=[schedule.pk])).content.decode()
    assert 'name="lines-0-discount_value" value="10"' in edit

    now = datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC)
    assert recurring.run_due(now) == 1
    invoice = Invoice.objects.get()
    rows = list(invoice.lines.order_by("position"))
    assert [(row.discount_type, row.discount_value) for row in rows] == [
        ("percent", Decimal("10")),
        ("amount", Decimal("5")),
    ]
    assert rows[1].product == hosting
    # 450 + 55 = 505 net, 101 VAT
    assert invoice.total == Decimal("606.00")
