"""Writing drafts in the browser's forms: lines, taxes, errors beside their fields."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing.models import AuditEvent, Invoice, InvoiceLine
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line


def test_a_draft_with_several_taxed_lines_is_created_with_server_computed_totals(
    as_owner: WebClient,
) -> None:
    vat, reduced = factories.tax_rate("VAT", "20"), factories.tax_rate("VAT", "5.5")
    client = factories.client()
    data = invoice_post(
        client,
        [
            line("Design work", "3", "80", [vat], unit="hour"),
            line("Printed book", "2", "25.50", [reduced]),
            line("", "", ""),  # a blank row is ignored
        ],
    )
    response = as_owner.post(reverse("billing:invoice_new"), data)
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("billing:invoice", args=[invoice.pk])
    assert invoice.total == Decimal("341.81")  # 240 + 48 + 51 + 2.805 → 2.81
    assert invoice.currency == "EUR"
    page = as_owner.get(response["Location"]).content.decode()
    assert "341.81 EUR" in page and "VAT 5.5 %" in page and "Draft invoice" in page


def test_a_negative_quantity_is_shown_beside_its_line_and_nothing_is_written(
    as_owner: WebClient,
) -> None:
    data = invoice_post(
        factories.client(),
        [line("", "", ""), line("Good", "1", "10"), line("Refund", "-1", "10")],
    )
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    formset = response.context["formset"]
    assert formset.forms[2].errors["quantity"][0].startswith("Quantities cannot be negative")
    assert not formset.forms[1].errors
    assert not Invoice.objects.exists() and not AuditEvent.objects.exists()
    html = response.content.decode()
    assert 'name="lines-2-quantity"' in html and "issue a credit note instead" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("unit_price", "9.99999", "Unit price allows at most 4 decimals."),
        ("quantity", "abc", "Enter a number."),
        ("description", "", "Describe what is billed."),
    ],
)
def test_bad_line_input_gets_an_error_beside_the_field(
    as_owner: WebClient, field: str, value: str, message: str
) -> None:
    values = line("Work", "1", "10") | {field: value}
    response = as_owner.post(
        reverse("billing:invoice_new"), invoice_post(factories.client(), [values])
    )
    assert response.status_code == 400
    assert response.context["formset"].forms[0].errors[field] == [message]
    assert not InvoiceLine.objects.exists()


def test_header_errors_from_the_service_appear_beside_their_fields(as_owner: WebClient) -> None:
    data = invoice_post(
        factories.client(),
        [line("Work", "1", "10")],
        issue_date="2026-03-10",
        due_date="2026-03-01",
        discount_type="percent",
        discount_value="120",
    )
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "A percent discount cannot exceed 100." in errors["discount_value"]
    assert not Invoice.objects.exists()


def test_an_unknown_currency_is_refused_by_the_form(as_owner: WebClient) -> None:
    data = invoice_post(factories.client(), [line("Work", "1", "10")], currency="EUX")
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    assert "currency" in response.context["form"].errors


def test_editing_a_draft_replaces_its_lines_and_removed_rows_are_dropped(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.draft(owner)
    form_page = as_owner.get(reverse("billing:invoice_edit", args=[invoice.pk]))
    assert form_page.context["formset"].total_form_count() == 2
    data = invoice_post(
        invoice.client,
        [line("Kept", "2", "50"), line("Removed", "1", "99", DELETE="on")],
        currency="EUR",
    )
    response = as_owner.post(reverse("billing:invoice_edit", args=[invoice.pk]), data)
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert [x.description for x in invoice.lines.all()] == ["Kept"]
    assert invoice.total == Decimal("100.00")
    assert AuditEvent.objects.filter(invoice_id=invoice.pk, action="change").exists()


def test_an_issued_invoice_cannot_be_edited_or_deleted_from_the_pages(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.issued_invoice(owner)
    edit = reverse("billing:invoice_edit", args=[invoice.pk])
    data = invoice_post(invoice.client, [line("Changed", "1", "1")], currency="EUR")
    assert as_owner.post(edit, data)["Location"] == reverse("billing:invoice", args=[invoice.pk])
    as_owner.post(reverse("billing:invoice_delete", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.total == Decimal("432.00") and invoice.lines.count() == 2


def test_a_draft_is_deleted_after_confirmation(as_owner: WebClient, owner: User) -> None:
    invoice = factories.draft(owner)
    url = reverse("billing:invoice_delete", args=[invoice.pk])
    assert "Delete this draft?" in as_owner.get(url).content.decode()
    assert as_owner.post(url)["Location"] == reverse("billing:invoices")
    assert not Invoice.objects.exists()


def test_adding_a_line_returns_the_next_row_and_the_new_form_count(as_owner: WebClient) -> None:
    vat = factories.tax_rate()
    product = factories.product("Consulting", "120", taxes=[vat])
    url = reverse("billing:line_row")
    response = as_owner.get(url, {"lines-TOTAL_FORMS": "3", "add_product": str(product.pk)})
    html = response.content.decode()
    assert 'name="lines-3-description"' in html and 'value="Consulting"' in html
    assert 'name="lines-3-unit_price"' in html and 'value="120"' in html
    assert f'name="lines-3-taxes" value="{vat.pk}"' in html and "checked" in html
    assert 'name="lines-3-DELETE"' in html
    assert 'id="id_lines-TOTAL_FORMS"' in html and 'value="4"' in html and "hx-swap-oob" in html


def test_a_line_from_a_product_keeps_its_values_when_posted_unchanged(
    as_owner: WebClient,
) -> None:
    vat = factories.tax_rate()
    product = factories.product("Consulting", "120", taxes=[vat])
    data = invoice_post(
        factories.client(),
        [line("Consulting", "1", "120", [vat], product=str(product.pk), unit="hour")],
    )
    assert as_owner.post(reverse("billing:invoice_new"), data).status_code == 302
    assert InvoiceLine.objects.get().product == product
    assert Invoice.objects.get().total == Decimal("144.00")
