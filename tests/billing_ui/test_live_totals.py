"""Live totals while a draft is written: the server's money module computes the totals block."""

from __future__ import annotations

import re
from decimal import Decimal

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.billing import money
from invoicetron.billing.models import Invoice
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line

URL = "billing:draft_totals"


def figure(html: str, name: str) -> str:
    found = re.search(rf"data-live-{name}[^>]*>([^<]*)<", html)
    assert found, f"no {name} in {html!r}"
    return found.group(1).strip()


def test_the_totals_block_shows_the_figures_the_saved_draft_will_have(
    as_owner: WebClient,
) -> None:
    vat, reduced = factories.tax_rate("VAT", "20"), factories.tax_rate("VAT", "5.5")
    client = factories.client()
    data = invoice_post(
        client,
        [
            line("Design work", "3", "80", [vat], discount_value="10"),
            line("Printed book", "2", "25.50", [reduced]),
        ],
        discount_type="amount",
        discount_value="15",
    )
    response = as_owner.post(reverse(URL), data)
    assert response.status_code == 200
    html = response.content.decode()
    as_owner.post(reverse("billing:invoice_new"), data)
    saved = Invoice.objects.get()
    assert figure(html, "total") == money.format_amount(saved.total, "EUR")
    assert figure(html, "net") == money.format_amount(saved.net_total, "EUR")
    assert figure(html, "discount") == "\N{MINUS SIGN}" + money.format_amount(Decimal("15"), "EUR")
    assert "VAT 5.5 %" in html and "VAT 20 %" in html
    assert 'id="line-amount-lines-0"' in html  # each line's own amount (216.00 after 10 %)
    assert "216.00" in html


def test_partial_and_hostile_input_shows_what_can_be_computed(as_owner: WebClient) -> None:
    client = factories.client()
    lines = [
        line("Fine", "2", "50"),
        line("Words", "two", "fifty"),
        line("Huge", "1e999999", "9" * 40),
        line("Typing", "", ""),
    ]
    data = invoice_post(client, lines, discount_value="lots", currency="XXQ")
    data["lines-1-taxes"] = ["9" * 30, "-1", "x"]  # ids no column can hold
    data["client"] = "9" * 30
    response = as_owner.post(reverse(URL), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert figure(html, "total") == "100.00 EUR"
    assert "Line 2: Select a valid choice." in html, "the lines left out are named, and why"
    assert "Line 3: Quantity is too large." in html
    assert "discount" in html.lower()


def test_an_overlong_discount_is_named_not_dropped(as_owner: WebClient) -> None:
    data = invoice_post(factories.client(), [line("Fine", "1", "10")], discount_value="9" * 5000)
    html = as_owner.post(reverse(URL), data).content.decode()
    assert figure(html, "total") == "10.00 EUR"
    assert "Document discount: Enter a number." in html


def test_an_impossible_discount_is_named_and_the_rest_still_shows(as_owner: WebClient) -> None:
    data = invoice_post(
        factories.client(), [line("Fine", "1", "10")], discount_type="amount", discount_value="50"
    )
    html = as_owner.post(reverse(URL), data).content.decode()
    assert figure(html, "total") == "10.00 EUR"
    assert "larger than the sum of the lines" in html


def test_too_many_lines_are_bounded_and_nothing_is_written(as_owner: WebClient) -> None:
    data: dict[str, str] = {"lines-TOTAL_FORMS": "100000000", "client": "", "currency": "EUR"}
    for index in range(210):  # four fields a line keeps under Django's 1,000-field limit
        data |= {
            f"lines-{index}-description": f"Row {index}",
            f"lines-{index}-quantity": "1",
            f"lines-{index}-unit_price": "1",
            f"lines-{index}-discount_type": "percent",
        }
    response = as_owner.post(reverse(URL), data)
    assert response.status_code == 200
    assert figure(response.content.decode(), "total") == "200.00 EUR"  # the first 200 lines
    assert not Invoice.objects.exists()
    flood = {f"field{index}": "1" for index in range(5000)}
    assert as_owner.post(reverse(URL), flood).status_code == 400


def test_nothing_to_compute_shows_an_empty_block_not_an_error(as_owner: WebClient) -> None:
    response = as_owner.post(reverse(URL), {"lines-TOTAL_FORMS": "junk", "client": "nope"})
    assert response.status_code == 200
    assert "Add a line" in response.content.decode()


def test_the_totals_follow_the_clients_currency_and_inclusive_prices(
    as_owner: WebClient,
) -> None:
    vat = factories.tax_rate("VAT", "20")
    client = factories.client("Yen Corp", currency="JPY")
    data = invoice_post(client, [line("Work", "1", "1200", [vat])], prices_include_tax="on")
    html = as_owner.post(reverse(URL), data).content.decode()
    assert figure(html, "total") == "1,200 JPY"
    assert figure(html, "net") == "1,000 JPY"


def test_only_signed_in_users_post_to_the_totals(client: WebClient) -> None:
    response = client.post(reverse(URL), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_totals_answer_posts_only(as_colleague: WebClient) -> None:
    assert as_colleague.get(reverse(URL)).status_code == 405
    assert as_colleague.post(reverse(URL), {}).status_code == 200


def test_every_draft_form_asks_for_live_totals(as_owner: WebClient) -> None:
    for name in ("billing:invoice_new", "quotes:new", "automation:schedule_new"):
        page = as_owner.get(reverse(name)).content.decode()
        assert f'hx-post="{reverse(URL)}"' in page, name


def test_the_totals_block_counts_the_allowances_and_charges_as_saving_does(
    as_owner: WebClient,
) -> None:
    vat, reduced = factories.tax_rate("VAT", "19"), factories.tax_rate("VAT", "7")
    rows = {
        "adjustments-TOTAL_FORMS": "2",
        **{f"adjustments-0-{key}": value for key, value in ADJUSTMENT.items()},
        "adjustments-0-tax_rate": str(vat.pk),
        **{f"adjustments-1-{key}": value for key, value in ADJUSTMENT.items()},
        "adjustments-1-charge": "allowance",
        "adjustments-1-reason": "Rebate",
        "adjustments-1-reason_code": "95",
        "adjustments-1-kind": "percent",
        "adjustments-1-value": "10",
    }
    lines = [line("Audit", "2", "80", [vat]), line("Book", "1", "40", [reduced])]
    data = invoice_post(factories.client(), lines) | rows
    html = as_owner.post(reverse(URL), data).content.decode()
    saving = as_owner.post(reverse("billing:invoice_new"), data)
    assert saving.status_code == 302
    saved = Invoice.objects.get()
    assert figure(html, "charges") == "15.00 EUR"
    assert figure(html, "allowances") == "\N{MINUS SIGN}20.00 EUR"  # 10 % of 200.00, spread
    assert figure(html, "net") == money.format_amount(saved.net_total, "EUR") == "195.00 EUR"
    assert figure(html, "total") == money.format_amount(saved.total, "EUR")

    # A wrong row leaves the rows out and says so, and the lines still add up.
    data["adjustments-0-value"] = "fifteen"
    html = as_owner.post(reverse(URL), data).content.decode()
    assert "Allowances and charges: not counted" in html
    assert figure(html, "net") == "200.00 EUR"


ADJUSTMENT = {"charge": "charge", "reason": "Freight", "reason_code": "FC", "kind": "amount"}
ADJUSTMENT |= {"value": "15", "tax_rate": ""}
