"""Report dates far outside any business's history are refused beside the field, not a 500."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient

from invoicetron.accounts.models import User
from tests.fixtures import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("as_of", ["0001-01-01", "9999-12-31"])
def test_an_aging_date_out_of_range_is_refused_beside_the_field(owner: User, as_of: str) -> None:
    factories.business()
    factories.issued_invoice(by=owner)
    web = HttpClient()
    web.force_login(owner)
    response = web.get("/reports/aging/", {"as_of": as_of})
    assert response.status_code == 200, "the page answers, with the error beside the date"
    assert "Dates must be between 1970-01-01 and 2999-12-31." in response.content.decode()
