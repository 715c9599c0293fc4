"""What the money rules and the shared input checks refuse, said in the UI language (#19)."""

from __future__ import annotations

from decimal import Decimal
from html import unescape

import pytest
from django.http import HttpResponse
from django.urls import reverse
from django.utils import translation

from invoicetron.accounts.models import User
from invoicetron.billing import money
from tests.fixtures import factories
from tests.fixtures.forms import invoice_post, line
from tests.fixtures.languages import speaking


def errors(response: HttpResponse) -> str:
    assert response.status_code == 400
    return unescape(response.content.decode())


def test_a_draft_with_a_discount_over_100_percent_is_refused_in_french(owner: User) -> None:
    data = invoice_post(factories.client(), [line("Conseil", "1", "100")], discount_value="150")
    page = errors(speaking(owner, "fr").post(reverse("billing:invoice_new"), data))
    # The form refuses it before the money rules see it.
    assert "Une remise en pourcentage ne peut pas dépasser 100." in page
    assert "A percent discount" not in page


def test_the_money_rules_refusal_of_a_draft_reaches_the_page_in_french(owner: User) -> None:
    lines = [line("Conseil", "1", "100")]
    data = invoice_post(factories.client(), lines, discount_type="amount", discount_value="500")
    page = errors(speaking(owner, "fr").post(reverse("billing:invoice_new"), data))
    assert "La remise ne peut pas dépasser la somme des lignes." in page
    assert "The discount cannot be larger" not in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "'XYZ' ist kein uns bekannter ISO-4217-Währungscode (z. B. EUR, USD)."),
        ("es", "'XYZ' no es un código de moneda ISO 4217 que conozcamos (p. ej., EUR, USD)."),
    ],
)
def test_the_money_rules_speak_the_active_language(language: str, expected: str) -> None:
    with translation.override(language), pytest.raises(money.MoneyError) as refused:
        money.check_currency("XYZ")
    assert str(refused.value) == expected


def test_a_deposit_larger_than_the_total_is_refused_in_german() -> None:
    lines = [money.Line(quantity=Decimal(1), unit_price=Decimal(100))]
    with translation.override("de"), pytest.raises(money.MoneyError) as refused:
        money.deposit_amounts(lines, "EUR", amount=Decimal(500))
    assert str(refused.value) == (
        "Die Anzahlung muss über 0 liegen und darf höchstens die Gesamtsumme (100.00 EUR) betragen."
    )
