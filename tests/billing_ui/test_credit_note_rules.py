"""When an invoice can be credited: the invoice page's button, its URL and the API agree.

The rule (Invoice.credit_refusal): a credit note is offered while an issued invoice has a balance
due or has been paid (what it takes beyond the balance becomes client credit, #19). A draft is
edited instead; a fully credited invoice is refused with the reason, by the page, its POST and
the API alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing import services
from invoicetron.billing.models import CreditNote, Invoice
from tests.fixtures import factories


def draft(owner: User) -> Invoice:
    return factories.draft(owner)


def issued(owner: User) -> Invoice:
    return factories.issued_invoice(owner)  # 432.00 EUR


def partly_paid(owner: User) -> Invoice:
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="100", by=owner)
    return invoice


def paid(owner: User) -> Invoice:
    invoice = factories.issued_invoice(owner)
    services.record_payment(invoice, amount="432", by=owner)
    return invoice


def fully_credited(owner: User) -> Invoice:
    invoice = factories.issued_invoice(owner)
    services.create_credit_note(invoice, by=owner)
    return invoice


# (how to make the invoice, whether it can be credited, what the refusal says)
STATES: dict[str, tuple[Callable[[User], Invoice], bool, str]] = {
    "draft": (draft, False, "A draft can simply be edited or deleted"),
    "issued": (issued, True, ""),
    "partly paid": (partly_paid, True, ""),
    "paid": (paid, True, ""),
    "fully credited": (fully_credited, False, "Nothing is left to credit"),
}


def whole_invoice(invoice: Invoice) -> dict[str, str]:
    """The credit note form as a browser posts it with "The whole invoice" chosen."""
    lines = invoice.snapshot["lines"] if invoice.snapshot else []
    data = {"scope": "all", "reason": "", "lines-TOTAL_FORMS": str(len(lines))}
    data["lines-INITIAL_FORMS"] = data["lines-TOTAL_FORMS"]
    for index, row in enumerate(lines):
        data[f"lines-{index}-line_id"] = str(row["id"])
        data[f"lines-{index}-quantity"] = ""
    return data


def credit_url(invoice: Invoice) -> str:
    return reverse("billing:invoice_credit", args=[invoice.pk])


def page_of(invoice: Invoice) -> str:
    return reverse("billing:invoice", args=[invoice.pk])


@pytest.mark.parametrize("state", STATES)
def test_the_credit_note_button_is_shown_exactly_when_the_invoice_can_be_credited(
    as_owner: WebClient, owner: User, state: str
) -> None:
    make, creditable, _reason = STATES[state]
    invoice = make(owner)
    html = as_owner.get(page_of(invoice)).content.decode()
    assert (f'href="{credit_url(invoice)}"' in html) is creditable


@pytest.mark.parametrize("state", STATES)
def test_the_credit_note_page_opens_exactly_when_the_button_is_shown(
    as_owner: WebClient, owner: User, state: str
) -> None:
    make, creditable, reason = STATES[state]
    invoice = make(owner)
    response = as_owner.get(credit_url(invoice), follow=True)
    if creditable:
        assert response.redirect_chain == []
        assert b"Issue credit note" in response.content
    else:
        assert response.redirect_chain == [(page_of(invoice), 302)]
        assert reason in response.content.decode()


@pytest.mark.parametrize("state", STATES)
def test_crediting_the_whole_invoice_by_post_follows_the_same_rule(
    as_owner: WebClient, owner: User, state: str
) -> None:
    make, creditable, reason = STATES[state]
    invoice = make(owner)
    before = CreditNote.objects.filter(invoice=invoice).count()
    response = as_owner.post(credit_url(invoice), whole_invoice(invoice), follow=True)
    after = CreditNote.objects.filter(invoice=invoice).count()
    if creditable:  # a partly paid or paid invoice too: the surplus is client credit (#19)
        assert response.redirect_chain == [(page_of(invoice), 302)]
        assert after == before + 1
    else:
        assert not creditable
        assert response.redirect_chain == [(page_of(invoice), 302)]
        assert reason in response.content.decode()
        assert after == before


def test_a_partly_paid_invoice_is_credited_up_to_its_balance(
    as_owner: WebClient, owner: User
) -> None:
    invoice = partly_paid(owner)
    lines = invoice.snapshot["lines"] if invoice.snapshot else []
    data = {
        "scope": "lines",
        "reason": "The licence was not delivered",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "2",
        "lines-0-line_id": str(lines[0]["id"]),
        "lines-0-quantity": "",
        "lines-1-line_id": str(lines[1]["id"]),
        "lines-1-quantity": "1",
    }
    assert as_owner.post(credit_url(invoice), data).status_code == 302
    invoice.refresh_from_db()
    assert str(invoice.balance_due) == "188.0000"  # 432 - 100 paid - 144 credited


@pytest.mark.parametrize("state", STATES)
def test_the_api_agrees_with_the_page(owner: User, state: str) -> None:
    make, creditable, reason = STATES[state]
    invoice = make(owner)
    token = create_token(owner, "tests").secret
    response = WebClient().post(
        "/api/v1/credit-notes",
        json.dumps({"invoice_id": invoice.pk}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    if creditable:
        assert response.status_code == 201, response.content
    else:
        assert response.status_code == 422
        assert reason in response.json()["error"]["message"]


def test_a_refused_credit_posted_without_its_line_rows_is_shown_again_not_a_server_error(
    as_owner: WebClient, owner: User
) -> None:
    invoice = partly_paid(owner)
    data = {"scope": "lines", "reason": "", "lines-TOTAL_FORMS": "0", "lines-INITIAL_FORMS": "0"}
    response = as_owner.post(credit_url(invoice), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose at least one line and quantity to credit." in html
    assert 'aria-label="Quantity to credit: Design work"' in html  # the lines are shown again
    assert not CreditNote.objects.filter(invoice=invoice).exists()
