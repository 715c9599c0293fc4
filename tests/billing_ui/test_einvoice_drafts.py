"""A draft invoice's e-invoice header: buyer and order references, document allowances and
charges; and what the invoice page and its PDF print of them (#17)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as WebClient
from django.urls import reverse
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.forms.invoices import InvoiceForm
from invoicetron.billing.models import AuditEvent, Invoice, TaxRate
from tests.fixtures import factories
from tests.fixtures.forms import field_errors, invoice_post, line


def adjustment(charge: str, reason: str, kind: str, value: str, **extra: str) -> dict[str, str]:
    return {
        "charge": charge,
        "reason": reason,
        "reason_code": "",
        "kind": kind,
        "value": value,
        "tax_rate": "",
        **extra,
    }


def with_adjustments(data: dict[str, Any], rows: list[dict[str, str]]) -> dict[str, Any]:
    data = data | {"adjustments-TOTAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        data |= {f"adjustments-{index}-{key}": value for key, value in row.items()}
    return data


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def vat() -> TaxRate:
    return factories.tax_rate("VAT", "19")


def test_the_buyer_reference_comes_from_the_client_and_the_order_is_kept(
    as_owner: WebClient, vat: TaxRate
) -> None:
    client = factories.client(buyer_reference="04011000-1234512345-06")
    form = as_owner.get(reverse("billing:invoice_new") + f"?client={client.pk}")
    assert 'value="04011000-1234512345-06"' in form.content.decode()

    data = invoice_post(client, [line("Audit", "1", "500", [vat])], order_reference=" PO-7781 ")
    assert as_owner.post(reverse("billing:invoice_new"), data).status_code == 302
    invoice = Invoice.objects.get()
    # Left blank in the form: the client's own reference.
    assert (invoice.buyer_reference, invoice.order_reference) == (
        "04011000-1234512345-06",
        "PO-7781",
    )
    edit = reverse("billing:invoice_edit", args=[invoice.pk])
    changed = data | {"buyer_reference": "Dept 12"}
    assert as_owner.post(edit, changed).status_code == 302
    invoice.refresh_from_db()
    assert invoice.buyer_reference == "Dept 12"
    event = AuditEvent.objects.filter(action="change").latest("pk")
    assert event.new_values == {"buyer_reference": "Dept 12"}


def test_allowances_and_charges_are_saved_in_the_shape_the_model_documents(
    as_owner: WebClient, vat: TaxRate
) -> None:
    rows = [
        adjustment("allowance", "Loyalty rebate", "percent", "5", tax_rate=str(vat.pk)),
        adjustment("charge", "", "amount", "12.50", reason_code="fc"),
        adjustment("allowance", "", "amount", ""),  # the empty row is ignored
    ]
    data = with_adjustments(
        invoice_post(factories.client(), [line("Audit", "2", "80", [vat])]), rows
    )
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    assert invoice.adjustments == [
        {
            "charge": False,
            "reason": "Loyalty rebate",
            "reason_code": "",
            "kind": "percent",
            "value": "5",
            "tax_rate": vat.pk,
        },
        {
            "charge": True,
            "reason": "",
            "reason_code": "FC",
            "kind": "amount",
            "value": "12.50",
            "tax_rate": None,
        },
    ]
    # The edit page shows both rows again (and one empty row to add another).
    page = as_owner.get(reverse("billing:invoice_edit", args=[invoice.pk])).content.decode()
    assert 'name="adjustments-TOTAL_FORMS" value="3"' in page
    assert 'name="adjustments-0-reason" value="Loyalty rebate"' in page
    assert f'<option value="{vat.pk}" selected>VAT 19 %</option>' in page
    assert 'name="adjustments-1-value" value="12.50"' in page

    # A row ticked "Remove" is dropped.
    removed = data | {"adjustments-0-DELETE": "on", "adjustments-INITIAL_FORMS": "2"}
    as_owner.post(reverse("billing:invoice_edit", args=[invoice.pk]), removed)
    invoice.refresh_from_db()
    assert [entry["reason_code"] for entry in invoice.adjustments] == ["FC"]


@pytest.mark.parametrize(
    ("row", "field", "message"),
    [
        (adjustment("allowance", "", "amount", "10"), "reason", "Say why"),
        (adjustment("allowance", "Rebate", "amount", ""), "value", "Enter the amount"),
        (adjustment("allowance", "Rebate", "amount", "0"), "value", "above 0"),
        (adjustment("allowance", "Rebate", "amount", "-3"), "value", "cannot be below 0"),
        (adjustment("allowance", "Rebate", "amount", "abc"), "value", "Enter a number."),
        (adjustment("allowance", "Rebate", "percent", "120"), "value", "cannot exceed 100"),
        (adjustment("allowance", "Rebate", "amount", "1.005"), "value", "EUR amounts have 2"),
        (adjustment("charge", "Freight", "amount", "5", reason_code="95"), "reason_code", "7161"),
        (
            adjustment("allowance", "Rebate", "amount", "5", reason_code="FC"),
            "reason_code",
            "5189",
        ),
        (adjustment("charge", "Freight", "amount", "5", tax_rate="999999"), "tax_rate", "valid"),
        # A digit to str.isdigit() that int() refuses, and an id beyond the column: answered
        # beside the field, not with a server error.
        (adjustment("charge", "Freight", "amount", "5", tax_rate="²"), "tax_rate", "valid"),
        (adjustment("charge", "Freight", "amount", "5", tax_rate="9" * 20), "tax_rate", "valid"),
        (adjustment("gift", "Freight", "amount", "5"), "charge", "Select a valid choice"),
    ],
)
def test_a_wrong_allowance_or_charge_is_refused_beside_its_field(
    as_owner: WebClient, vat: TaxRate, row: dict[str, str], field: str, message: str
) -> None:
    data = with_adjustments(invoice_post(factories.client(), [line("Audit", "1", "80")]), [row])
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    rows = response.context["form"].adjustment_rows
    assert message in " ".join(rows.forms[0].errors[field])
    html = response.content.decode()
    assert "Correct the allowances and charges marked below." in html
    assert field_errors(html, f"id_adjustments-0-{field}")
    assert not Invoice.objects.exists()


def test_a_form_without_the_allowance_rows_is_refused(as_owner: WebClient) -> None:
    data = invoice_post(factories.client(), [line("Audit", "1", "80")])
    del data["adjustments-TOTAL_FORMS"], data["adjustments-INITIAL_FORMS"]
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    assert "ManagementForm data is missing" in response.content.decode()
    assert not Invoice.objects.exists()


def test_more_rows_than_the_limit_are_refused(as_owner: WebClient) -> None:
    rows = [adjustment("charge", f"Fee {n}", "amount", "1") for n in range(21)]
    data = with_adjustments(invoice_post(factories.client(), [line("Audit", "1", "80")]), rows)
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    assert "Please submit at most 20 forms." in response.content.decode()


def test_the_invoice_page_and_pdf_print_the_references_and_the_structured_address(
    as_owner: WebClient, owner: User, vat: TaxRate
) -> None:
    factories.business(address="", street="Hauptstraße 1", postcode="10115", city="Berlin")
    client = factories.client(
        "Brussels Buyer SA", street="Rue de la Loi 16", postcode="1000", city="Bruxelles"
    )
    client.billing_address, client.country = "", "BE"
    client.save()
    invoice = factories.draft(owner, for_client=client)
    invoice.buyer_reference, invoice.order_reference = "LEITWEG-99", "PO-7781"
    invoice.save()
    invoice = services.issue_invoice(invoice, by=owner)

    page = as_owner.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert "<dt>Buyer reference</dt><dd>LEITWEG-99</dd>" in page
    assert "<dt>Purchase order</dt><dd>PO-7781</dd>" in page
    assert "Rue de la Loi 16<br>1000 Bruxelles<br>Belgium" in page

    text = pdf_text(as_owner.get(reverse("billing:invoice_pdf", args=[invoice.pk])).content)
    assert "Your reference LEITWEG-99" in text and "Your order PO-7781" in text
    assert "Rue de la Loi 16\n1000 Bruxelles\nBelgium" in text
    assert "Hauptstraße 1\n10115 Berlin" in text


def test_an_invoice_without_references_prints_no_empty_rows(
    as_owner: WebClient, owner: User
) -> None:
    invoice = factories.draft(owner)
    page = as_owner.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert "Buyer reference" not in page and "Purchase order" not in page
    text = pdf_text(as_owner.get(reverse("billing:invoice_pdf", args=[invoice.pk])).content)
    assert "Your reference" not in text and "42 Main Street" in text


def test_the_services_row_errors_land_beside_the_row_they_name(vat: TaxRate) -> None:
    """The drafts service numbers the entries it was given: a row left blank in between is not
    one of them, so its errors go to the row the owner filled in."""
    rows = [
        adjustment("charge", "Freight", "amount", "5"),
        adjustment("allowance", "", "amount", ""),  # blank: not an entry
        adjustment("allowance", "Rebate", "percent", "2", tax_rate=str(vat.pk)),
    ]
    data = with_adjustments(invoice_post(factories.client(), [line("Audit", "1", "80")]), rows)
    form = InvoiceForm(data)
    assert form.is_valid(), form.errors
    assert [entry["reason"] for entry in form.cleaned_data["adjustments"]] == ["Freight", "Rebate"]
    error = ValidationError(
        {
            "adjustments-1-tax_rate": "No line carries VAT 19 %.",
            "adjustments": "The allowances are larger than the lines.",
            "notes": "Too long.",
        }
    )
    rest = form.place_service_errors(error)
    row_forms = form.adjustment_rows.forms
    assert row_forms[2].errors["tax_rate"] == ["No line carries VAT 19 %."]
    assert not row_forms[0].errors and not row_forms[1].errors
    assert form.non_field_errors() == ["The allowances are larger than the lines."]
    assert rest is not None and rest.message_dict == {"notes": ["Too long."]}
    assert form.place_service_errors(ValidationError({"notes": "x"})).message_dict == {
        "notes": ["x"]
    }
