"""Credit notes take their share of the invoice's document allowances and charges (money rule 8).

Through the API: a draft with a freight charge of one VAT rate and a spread allowance, issued, then
credited. The whole invoice credited gives the invoice's total to the cent and closes it without
rounding; partial credits take a proportional share and the last one the rest; each note's
snapshot lists its allowances and charges so BT-106 - BT-107 + BT-108 = BT-109 holds.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.models import CreditNote, Invoice, InvoiceStatus
from invoicetron.billing.services.credit_notes import LINE_ROUNDING_REASON, credited_adjustments
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def issued(api: Api) -> Invoice:
    """Two lines at 20 % and 7 %, a 15.00 freight charge of the 7 % rate, a 5 % spread allowance.

    Lines 1000.00 (20 %) and 250.00 (7 %). Allowance 62.50: 50.00 from 20 %, 12.50 from 7 %.
    Bases 950.00 and 252.50; taxes 190.00 and 17.68; total 1410.18.
    """
    factories.business()
    standard, reduced = factories.tax_rate("VAT", "20"), factories.tax_rate("VAT", "7")
    client = factories.client()
    draft = api.post(
        "invoices",
        {
            "client_id": client.pk,
            "lines": [
                {
                    "description": "Consulting",
                    "quantity": "10",
                    "unit_price": "100",
                    "tax_ids": [standard.pk],
                },
                {
                    "description": "Books",
                    "quantity": "10",
                    "unit_price": "25",
                    "tax_ids": [reduced.pk],
                },
            ],
            "adjustments": [
                {"charge": True, "value": "15.00", "reason_code": "FC", "tax_rate_id": reduced.pk},
                {"kind": "percent", "value": "5", "reason": "Loyalty", "reason_code": "95"},
            ],
        },
    )
    assert draft.status == 201, draft.body
    answer = api.post(f"invoices/{draft.body['id']}/issue", {})
    assert answer.status == 200, answer.body
    invoice = Invoice.objects.get(pk=draft.body["id"])
    assert invoice.total == D("1410.18")
    return invoice


def line_ids(api: Api, invoice: Invoice) -> list[int]:
    return [row["id"] for row in api.get(f"invoices/{invoice.pk}").body["lines"]]


def credit(api: Api, invoice: Invoice, lines: list[tuple[int, str]] | None = None) -> Any:
    body: dict[str, Any] = {"invoice_id": invoice.pk}
    if lines is not None:
        body["lines"] = [{"invoice_line_id": key, "quantity": qty} for key, qty in lines]
    answer = api.post("credit-notes", body)
    assert answer.status == 201, answer.body
    return answer.body


def snapshot_totals(note_id: int) -> money.Totals:
    return money.totals_from_json(CreditNote.objects.get(pk=note_id).snapshot["totals"])


def test_crediting_the_whole_invoice_takes_its_charges_and_closes_it_to_the_cent(
    api: Api, issued: Invoice
) -> None:
    note = credit(api, issued)
    assert (note["net_total"], note["tax_total"], note["total"]) == ("1202.50", "207.68", "1410.18")
    invoice = api.get(f"invoices/{issued.pk}").body
    assert invoice["status"] == InvoiceStatus.CREDITED
    assert (invoice["amount_credited"], invoice["balance_due"]) == ("1410.18", "0.00")
    issued.refresh_from_db()
    assert money.closing_rounding(
        issued.total, issued.amount_paid, issued.amount_credited, issued.balance_due
    ) == D("0.00")
    totals = snapshot_totals(note["id"])
    invoice_totals = money.totals_from_json(issued.snapshot["totals"])
    assert totals.adjustments == invoice_totals.adjustments
    figures = money.document_totals(totals)
    assert (figures.allowance_total, figures.charge_total) == (D("62.50"), D("15.00"))
    assert figures.line_net_total == D("1250.00")


def test_partial_credits_take_a_share_of_the_charges_and_the_last_one_the_rest(
    api: Api, issued: Invoice
) -> None:
    consulting, books = line_ids(api, issued)
    # 3 of 10 books: 30 % of the 7 % set's freight (4.50) and its allowance share (3.75).
    first = credit(api, issued, [(books, "3")])
    totals = snapshot_totals(first["id"])
    assert [(a.charge, a.amount) for a in totals.adjustments] == [
        (True, D("4.50")),
        (False, D("3.75")),
    ]
    assert (first["net_total"], first["tax_total"], first["total"]) == ("75.75", "5.30", "81.05")
    figures = money.document_totals(totals)
    assert figures.line_net_total - figures.allowance_total + figures.charge_total == D("75.75")
    # The reasons, in the order of the totals' adjustments, for the e-invoice writers.
    assert CreditNote.objects.get(pk=first["id"]).snapshot["adjustments"] == [
        {"charge": True, "reason": "", "reason_code": "FC"},
        {"charge": False, "reason": "Loyalty", "reason_code": "95"},
    ]
    # 4 hours of consulting: the 20 % set has no freight; 40 % of its allowance share (20.00).
    second = credit(api, issued, [(consulting, "4")])
    assert [(a.charge, a.amount) for a in snapshot_totals(second["id"]).adjustments] == [
        (False, D("20.00"))
    ]
    assert second["total"] == "456.00"
    last = credit(api, issued)
    totals = snapshot_totals(last["id"])
    assert [(a.charge, a.amount) for a in totals.adjustments] == [
        (True, D("10.50")),
        (False, D("38.75")),
    ]
    notes = [first, second, last]
    assert sum(D(note["net_total"]) for note in notes) == issued.net_total
    # Each note rounds its own tax (rule 8, BR-CO-17): 5.30 + 12.37 at 7 % against the invoice's
    # 17.68, so the notes come to a cent less, and the last one closes the invoice all the same.
    assert sum(D(note["total"]) for note in notes) == issued.total - D("0.01")
    invoice = api.get(f"invoices/{issued.pk}").body
    assert (invoice["status"], invoice["balance_due"]) == (InvoiceStatus.CREDITED, "0.00")
    assert D(invoice["amount_credited"]) == issued.total - D("0.01")


def test_notes_of_invoices_without_allowances_or_charges_are_stored_as_before(
    api: Api, owner: User
) -> None:
    factories.business()
    invoice = factories.issued_invoice(owner)  # no document allowances or charges
    note = credit(api, invoice, [(line_ids(api, invoice)[0], "1")])
    stored = CreditNote.objects.get(pk=note["id"]).snapshot["totals"]
    assert not {"adjustments", "allowance_total", "charge_total"} & set(stored)
    assert money.totals_to_json(money.totals_from_json(stored)) == stored
    assert note["total"] == "96.00"


def test_every_line_credited_in_the_web_page_takes_the_charges_and_closes_the_invoice(
    client: WebClient, owner: User, issued: Invoice
) -> None:
    client.force_login(owner)
    rows = issued.snapshot["lines"] if issued.snapshot else []
    data = {
        "scope": "lines",
        "reason": "Returned",
        "lines-TOTAL_FORMS": str(len(rows)),
        "lines-INITIAL_FORMS": str(len(rows)),
    }
    for index, row in enumerate(rows):
        data[f"lines-{index}-line_id"] = str(row["id"])
        data[f"lines-{index}-quantity"] = row["quantity"]
    answer = client.post(reverse("billing:invoice_credit", args=[issued.pk]), data)
    assert answer.status_code == 302
    issued.refresh_from_db()
    assert (issued.amount_credited, issued.balance_due) == (issued.total, D("0.00"))
    assert issued.status == InvoiceStatus.CREDITED
    note = issued.credit_notes.get()
    assert (note.net_total, note.total) == (D("1202.50"), D("1410.18"))


def test_a_notes_line_rounding_gets_a_reason_of_its_own() -> None:
    # 2 of 3 units at 0.1975 (25 %): the invoice's 0.59 less 0.20 left is 0.39, the line 0.40.
    # The freight left scales with the line amount left: 3.00 x 0.20 / 0.59 = 1.02, so 1.98 goes.
    s25 = money.Tax("VAT", D(25))
    freight = money.compute_totals(
        [money.Line(D(3), D("0.1975"), (s25,))],
        "EUR",
        adjustments=(money.Adjustment(True, money.DiscountKind.AMOUNT, D("3.00"), taxes=(s25,)),),
    )
    note = money.credit_note_totals(
        [money.Line(D(3), D("0.1975"), (s25,))],
        [money.Line(D(1), D("0.1975"), (s25,))],
        [money.Line(D(2), D("0.1975"), (s25,))],
        "EUR",
        adjustments=money.proportional_adjustments(
            [money.Line(D(3), D("0.1975"), (s25,))], freight.adjustments, "EUR"
        ),
    )
    assert [(a.charge, a.amount, a.origin) for a in note.adjustments] == [
        (True, D("1.98"), 0),
        (False, D("0.01"), None),
    ]
    assert credited_adjustments(note, [{"charge": True, "reason": "Freight", "value": "3"}]) == [
        {"charge": True, "reason": "Freight", "reason_code": ""},
        {"charge": False, "reason": LINE_ROUNDING_REASON, "reason_code": ""},
    ]
