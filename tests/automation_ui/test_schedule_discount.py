"""A recurring invoice takes a document discount like an invoice: set on its form (refused there
when impossible), counted in the form's live totals, shown on its page, and carried by every
invoice the real worker makes from it."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.automation.models import RecurringInvoice
from invoicetron.automation.worker import run_worker
from invoicetron.billing import money
from invoicetron.billing.models import BusinessProfile, Client, Invoice, TaxRate, business_today
from tests.fixtures import factories
from tests.fixtures.forms import field_errors, invoice_post, line

pytestmark = pytest.mark.usefixtures("job_tables")


def schedule_form(client: Client, vat: TaxRate, **fields: str) -> dict[str, object]:
    """A yearly schedule starting yesterday (one invoice due): 500 at 20 % VAT, 10 % off."""
    lines = [line("Retainer", "1", "500", [vat])]
    data = invoice_post(client, lines, discount_type="percent", discount_value="10")
    for name in ("series", "issue_date", "due_date", "terms"):
        data.pop(name)
    yesterday = business_today(BusinessProfile.load()) - datetime.timedelta(days=1)
    return data | {
        "name": "Retainer",
        "frequency": "yearly",
        "start_date": yesterday.isoformat(),
        "end_date": "",
        "max_count": "",
        "auto_issue": "on",
        **fields,
    }


class FormFields(HTMLParser):
    """What a browser posts for the page's form: named inputs, checked boxes, selected options."""

    def __init__(self) -> None:
        super().__init__()
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        name = found.get("name")
        if tag == "input" and name:
            if found.get("type") in ("checkbox", "radio") and "checked" not in found:
                return
            if found.get("type") not in ("submit", "button"):
                self.data.append((name, found.get("value", "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in found:
            self.data.append((self._select, found.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[-1] = (self._textarea, self.data[-1][1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def posted_by(page: str) -> dict[str, list[str]]:
    lines = page.index('name="lines-TOTAL_FORMS"')  # the schedule's form, not the sign-out one
    form = page[page.rindex("<form", 0, lines) : page.index("</form>", lines)]
    parser = FormFields()
    parser.feed(form)
    posted: dict[str, list[str]] = {}
    for name, value in parser.data:
        posted.setdefault(name, []).append(value)
    return posted


def live_total(html: str, name: str) -> str:
    found = re.search(rf"data-live-{name}[^>]*>([^<]*)<", html)
    assert found, f"no {name} in {html!r}"
    return found.group(1).strip()


def test_a_schedule_with_a_ten_percent_discount_makes_invoices_that_carry_it(
    as_owner: WebClient,
) -> None:
    vat = factories.tax_rate("VAT", "20")
    response = as_owner.post(
        reverse("automation:schedule_new"), schedule_form(factories.client(), vat)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    schedule = RecurringInvoice.objects.get()
    assert (schedule.discount_type, schedule.discount_value) == ("percent", Decimal("10"))

    run_worker(once=True)
    [run] = schedule.runs.select_related("invoice")
    invoice = run.invoice
    assert invoice is not None and invoice.number, "issued by the worker"
    assert (invoice.discount_type, invoice.discount_value) == ("percent", Decimal("10"))
    expected = money.compute_totals(
        [money.Line(Decimal(1), Decimal(500), (money.Tax("VAT", Decimal(20)),))],
        "EUR",
        discount=money.Discount(money.DiscountKind.PERCENT, Decimal(10)),
    )
    assert expected.discount == Decimal("50.00")
    assert (invoice.net_total, invoice.tax_total, invoice.total) == (
        expected.net_total,
        expected.tax_total,
        expected.total,
    )
    invoice_page = as_owner.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert "\N{MINUS SIGN}" + money.format_amount(expected.discount, "EUR") in invoice_page

    page = as_owner.get(reverse("automation:schedule", args=[schedule.pk])).content.decode()
    assert 'id="schedule-discount"' in page and "10 % of each invoice" in page
    assert money.format_amount(invoice.total, "EUR") in page


def test_a_schedule_without_a_discount_gives_none_and_its_invoices_none(
    as_owner: WebClient,
) -> None:
    vat = factories.tax_rate("VAT", "20")
    data = schedule_form(factories.client(), vat)
    del data["discount_type"], data["discount_value"]  # as the form was posted before discounts
    assert as_owner.post(reverse("automation:schedule_new"), data).status_code == 302
    run_worker(once=True)
    invoice = Invoice.objects.get()
    assert (invoice.discount_value, invoice.total) == (Decimal(0), Decimal("600.00"))
    page = as_owner.get(reverse("automation:schedule", args=[RecurringInvoice.objects.get().pk]))
    assert 'id="schedule-discount"' not in page.content.decode()


@pytest.mark.parametrize(
    ("kind", "value", "error"),
    [
        ("amount", "600", "The discount cannot be larger than the sum of the lines."),
        ("percent", "150", "A percent discount cannot exceed 100."),
        ("percent", "lots", "Enter a number."),
        ("amount", "10.555", "EUR amounts have 2 decimals at most."),
        ("amount", "-5", "Discount cannot be below 0."),
    ],
)
def test_an_impossible_discount_is_refused_beside_its_field(
    as_owner: WebClient, kind: str, value: str, error: str
) -> None:
    vat = factories.tax_rate("VAT", "20")
    data = schedule_form(factories.client(), vat, discount_type=kind, discount_value=value)
    response = as_owner.post(reverse("automation:schedule_new"), data)
    assert response.status_code == 400
    assert error in field_errors(response.content.decode(), "id_discount_value")
    assert not RecurringInvoice.objects.exists()


def test_editing_keeps_the_discount_and_refuses_one_larger_than_the_lines(
    as_owner: WebClient,
) -> None:
    vat, client = factories.tax_rate("VAT", "20"), factories.client()
    as_owner.post(reverse("automation:schedule_new"), schedule_form(client, vat))
    schedule = RecurringInvoice.objects.get()
    edit = reverse("automation:schedule_edit", args=[schedule.pk])
    assert posted_by(as_owner.get(edit).content.decode())["discount_value"] == ["10"]

    too_much = schedule_form(client, vat, discount_type="amount", discount_value="500.01")
    response = as_owner.post(edit, too_much)
    assert response.status_code == 400
    assert "larger than the sum of the lines" in field_errors(
        response.content.decode(), "id_discount_value"
    )
    as_owner.post(edit, schedule_form(client, vat, discount_type="amount", discount_value="75"))
    schedule.refresh_from_db()
    assert (schedule.discount_type, schedule.discount_value) == ("amount", Decimal("75"))


def test_the_live_totals_of_the_schedule_form_show_the_discounted_total(
    as_owner: WebClient,
) -> None:
    vat = factories.tax_rate("VAT", "20")
    as_owner.post(reverse("automation:schedule_new"), schedule_form(factories.client(), vat))
    schedule = RecurringInvoice.objects.get()
    page = as_owner.get(reverse("automation:schedule_edit", args=[schedule.pk])).content.decode()
    assert 'hx-post="{}"'.format(reverse("billing:draft_totals")) in page

    html = as_owner.post(reverse("billing:draft_totals"), posted_by(page)).content.decode()
    run_worker(once=True)
    invoice = Invoice.objects.get()
    fifty_off = "\N{MINUS SIGN}" + money.format_amount(Decimal(50), "EUR")
    assert live_total(html, "discount") == fifty_off
    assert live_total(html, "total") == money.format_amount(invoice.total, "EUR")
    assert invoice.discount_value == Decimal(10)
