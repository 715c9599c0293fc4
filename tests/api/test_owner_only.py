"""The API grants no more than the pages: tax rates and number series are the owner's to change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing.models import NumberSeries, TaxRate
from tests.fixtures import factories
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db


@pytest.fixture
def colleague_api(colleague: User) -> Api:
    return Api(create_token(colleague, "colleague").secret)


def test_a_colleague_reads_tax_rates_and_series_but_cannot_change_them(
    colleague_api: Api,
) -> None:
    vat = factories.tax_rate()
    series = NumberSeries.objects.create(
        name="Web", kind="invoice", pattern="W-{YYYY}-{SEQ:3}", reset="never"
    )
    assert colleague_api.get("tax-rates").status == 200
    assert colleague_api.get("number-series").status == 200
    refused = [
        colleague_api.post("tax-rates", {"name": "Sneaky", "rate": "0"}),
        colleague_api.patch(f"tax-rates/{vat.pk}", {"rate": "0"}),
        colleague_api.delete(f"tax-rates/{vat.pk}"),
        colleague_api.post(
            "number-series", {"name": "X", "kind": "invoice", "pattern": "X-{SEQ:3}"}
        ),
        colleague_api.patch(f"number-series/{series.pk}", {"pattern": "Y-{YYYY}-{SEQ:3}"}),
        colleague_api.delete(f"number-series/{series.pk}"),
    ]
    assert [answer.status for answer in refused] == [403] * 6
    assert {answer.error["code"] for answer in refused} == {"owner_only"}
    vat.refresh_from_db()
    series.refresh_from_db()
    assert vat.rate == Decimal("20") and series.pattern == "W-{YYYY}-{SEQ:3}"
    assert not TaxRate.objects.filter(name="Sneaky").exists()
    assert not NumberSeries.objects.filter(name="X").exists()


def test_an_owner_changes_tax_rates_and_series(api: Api) -> None:
    created = api.post("tax-rates", {"name": "Reduced", "rate": "5.5"})
    assert created.status == 201, created.body
    changed = api.patch(f"tax-rates/{created.body['id']}", {"rate": "7"})
    assert changed.status == 200 and changed.body["rate"] == "7"
    assert api.delete(f"tax-rates/{created.body['id']}").status == 204
