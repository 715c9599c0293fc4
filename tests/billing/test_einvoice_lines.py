"""A line's e-invoice fields (unit code, price base quantity, allowances and charges) survive every
way lines travel: the draft form, a product picked, JSON (schedules), old snapshots."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.billing import money, services
from invoicetron.billing.lines import (
    LineData,
    line_json,
    lines_from_json,
    money_line,
    snapshot_money_line,
    validate_line,
)
from invoicetron.billing.models import BusinessProfile, Invoice
from invoicetron.billing.validation import rec20_codes
from invoicetron.einvoicing.units import WORD_CODES
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line

pytestmark = pytest.mark.django_db
CHARGE = {"charge": True, "reason": "Express", "reason_code": "", "kind": "amount", "value": "15"}


def input_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return unescape(value.group(1)) if value else ""


def test_editing_a_draft_in_the_form_keeps_its_lines_e_invoice_fields(
    as_owner: WebClient, business: BusinessProfile
) -> None:
    vat = factories.tax_rate()
    draft = services.create_draft(
        client=factories.client(),
        by=None,
        lines=[
            LineData(
                "Bolts",
                "240",
                "3.60",
                taxes=(vat,),
                unit_code="C62",
                base_quantity="12",
                adjustments=[CHARGE],
            )
        ],
    )
    assert draft.net_total == Decimal("87.00")  # 240 x 3.60 / 12 + 15
    page = as_owner.get(reverse("billing:invoice_edit", args=[draft.pk])).content.decode()
    kept = {
        name: input_value(page, f"lines-0-{name}")
        for name in ("unit_code", "base_quantity", "adjustments")
    }
    assert kept["unit_code"] == "C62" and kept["base_quantity"] == "12"
    assert json.loads(kept["adjustments"]) == [CHARGE]
    data = invoice_post(draft.client, [line("Bolts", "480", "3.60", [vat], **kept)])
    response = as_owner.post(reverse("billing:invoice_edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft.refresh_from_db()
    (row,) = draft.lines.all()
    assert (row.unit_code, row.base_quantity, row.adjustments) == ("C62", 12, [CHARGE])
    assert draft.net_total == Decimal("159.00")


def test_a_wrong_base_quantity_in_the_form_is_shown_beside_it(
    as_owner: WebClient, business: BusinessProfile
) -> None:
    data = invoice_post(factories.client(), [line("Bolts", "1", "3", base_quantity="-1")])
    response = as_owner.post(reverse("billing:invoice_new"), data)
    assert response.status_code == 400
    errors = response.context["formset"].forms[0].errors
    assert "above 0" in errors["base_quantity"][0]
    assert not Invoice.objects.exists()


def test_a_picked_product_fills_the_rows_unit_code(as_owner: WebClient) -> None:
    product = factories.product(unit_code="HUR")
    url = reverse("billing:line_row") + f"?lines-TOTAL_FORMS=1&add_product={product.pk}"
    html = as_owner.get(url).content.decode()
    assert input_value(html, "lines-1-unit_code") == "HUR"
    assert input_value(html, "lines-1-base_quantity") == "1"


def test_lines_kept_as_json_keep_the_fields_and_older_rows_read_with_defaults() -> None:
    vat = factories.tax_rate()
    checked = validate_line(
        LineData(
            "Bolts",
            "240",
            "3.60",
            taxes=(vat,),
            unit_code="c62",
            base_quantity="12",
            adjustments=[CHARGE],
        ),
        "EUR",
    )
    (back,) = lines_from_json([line_json(checked)])
    assert (back.unit_code, back.base_quantity, list(back.adjustments)) == ("C62", 12, [CHARGE])
    assert money_line(back) == money_line(checked)
    older = {"description": "Old", "quantity": "2", "unit_price": "5", "tax_ids": [vat.pk]}
    (old,) = lines_from_json([older])
    assert (old.unit_code, old.base_quantity, list(old.adjustments)) == ("", 1, [])
    assert money.line_amount(money_line(old), "EUR").amount == Decimal("10.00")


def test_snapshot_rows_taken_before_e_invoicing_compute_as_before() -> None:
    row = {
        "unit_price": "7.50",
        "taxes": [{"name": "VAT", "rate": "20"}],
        "discount_type": "percent",
        "discount_value": "10",
    }
    figures = money.line_amount(snapshot_money_line(row, Decimal(2)), "EUR")
    assert figures.amount == Decimal("13.50")
    newer = {**row, "base_quantity": "2.000", "adjustments": [CHARGE]}
    figures = money.line_amount(snapshot_money_line(newer, Decimal(2)), "EUR")
    assert figures.amount == Decimal("21.75")  # 2 x 7.50 / 2 - 10 % + 15


def test_a_duplicate_keeps_references_and_document_adjustments(business: BusinessProfile) -> None:
    vat = factories.tax_rate()
    client = factories.client(buyer_reference="LW-1")
    spread = {"charge": False, "reason": "Loyalty", "kind": "percent", "value": "10"}
    invoice = services.create_draft(
        client=client,
        by=None,
        lines=[LineData("Work", "1", "100", taxes=(vat,))],
        order_reference="PO-1",
        adjustments=[spread, {**CHARGE, "tax_rate": vat.pk}],
    )
    assert invoice.buyer_reference == "LW-1"
    assert invoice.net_total == Decimal("105.00")  # 100 - 10 + 15
    copy = services.duplicate_invoice(invoice, by=None)
    assert (copy.buyer_reference, copy.order_reference) == ("LW-1", "PO-1")
    assert copy.adjustments == invoice.adjustments
    assert copy.net_total == invoice.net_total


def test_a_unit_code_the_en16931_rules_refuse_is_refused_when_typed() -> None:
    # HOU has the shape of a code (a truncated "hours") but is not in Recommendation 20: the
    # e-invoice would break BR-CL-23, so the line says what to type instead.
    with pytest.raises(ValidationError) as refused:
        validate_line(LineData("Consulting", "10", "95", unit_code="hou"), "EUR")
    assert refused.value.message_dict["unit_code"] == [
        "HOU is not a unit code of UN/ECE Recommendation 20: use e.g. HUR (hour), DAY, "
        "MON (month), C62 (one), KGM (kilogram); or leave it blank and the unit's name gives "
        "the code."
    ]
    assert validate_line(LineData("Bolts", "1", "2", unit_code="xpp"), "EUR").unit_code == "XPP"
    # Every code the unit names map to is one the rules accept.
    assert set(WORD_CODES.values()) <= rec20_codes()
