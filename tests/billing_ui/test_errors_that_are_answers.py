"""Input that used to crash a page (500) gets a clear answer instead (issue 14)."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import DocumentKind, Invoice, InvoiceLine, NumberSeries
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line


@pytest.mark.parametrize("page", ["/clients/", "/products/"])
def test_a_search_with_a_nul_character_is_answered_not_a_crash(
    as_owner: WebClient, page: str
) -> None:
    factories.client("Globex Corporation")
    factories.product("Design work")
    response = as_owner.get(page, {"q": "Glo\x00bex"})
    assert response.status_code == 400
    assert "cannot contain control characters" in response.content.decode()


def test_an_amount_discount_larger_than_its_line_is_refused_beside_the_line(
    as_owner: WebClient,
) -> None:
    lines = [
        line("Design work", "1", "100"),
        line("Font licence", "2", "10", discount_type="amount", discount_value="25"),
    ]
    response = as_owner.post(
        reverse("billing:invoice_new"), invoice_post(factories.client(), lines)
    )
    assert response.status_code == 400
    formset = response.context["formset"]
    assert formset.forms[1].errors["discount_value"] == [
        "The discount (25.00) is larger than the line “Font licence” (20.00)."
    ]
    assert not formset.forms[0].errors
    assert not Invoice.objects.exists() and not InvoiceLine.objects.exists()


@pytest.mark.parametrize(
    "pattern", ['INV";{SEQ}', "INV-{SEQ}\r\nX-Evil: 1", "INV\\{SEQ}", "INV\n-{SEQ}"]
)
def test_a_series_pattern_that_is_unsafe_in_a_file_name_is_refused(
    as_owner: WebClient, pattern: str
) -> None:
    response = as_owner.post(
        reverse("billing:series_new"),
        {"name": "Odd", "kind": "invoice", "pattern": pattern, "reset": "never"},
    )
    assert response.status_code == 400
    assert "letters, digits" in response.content.decode()
    assert not NumberSeries.objects.filter(name="Odd").exists()


def test_a_pattern_that_has_issued_numbers_cannot_change(as_owner: WebClient, owner: User) -> None:
    invoice = factories.issued_invoice(by=owner)
    series = invoice.series
    response = as_owner.post(
        reverse("billing:series_edit", args=[series.pk]),
        {"name": series.name, "kind": "invoice", "pattern": "F-{YYYY}-{SEQ:5}", "reset": "yearly"},
    )
    assert response.status_code == 400
    assert "create a new series instead" in response.content.decode()
    series.refresh_from_db()
    assert series.pattern == "INV-{YYYY}-{SEQ:4}"
    renamed = as_owner.post(
        reverse("billing:series_edit", args=[series.pk]),
        {
            "name": "Main invoices",
            "kind": "invoice",
            "pattern": series.pattern,
            "reset": "yearly",
            "is_default": "on",
        },
    )
    assert renamed.status_code == 302, "a series in use can still be renamed"


def test_a_pdf_of_a_number_with_quotes_and_line_breaks_downloads_with_an_encoded_name(
    as_owner: WebClient, owner: User
) -> None:
    # Patterns like this were accepted before they were refused; their documents remain.
    series = services.default_series(DocumentKind.INVOICE)
    NumberSeries.objects.filter(pk=series.pk).update(pattern='Zoë";\r\nX-{SEQ}')
    invoice = factories.issued_invoice(by=owner)
    assert invoice.number == 'Zoë";\r\nX-1'
    response = as_owner.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"Zo_____X-1.pdf\"; filename*=UTF-8''Zo%C3%AB%22%3B%0D%0AX-1.pdf"
    )
    assert response.content.startswith(b"%PDF")
