"""A sent quote, as the quote page tests start from."""

from __future__ import annotations

import pytest

from invoicetron.accounts.models import User
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import create_quote, send_quote
from tests.fixtures import factories


@pytest.fixture
def sent(owner: User) -> Quote:
    """A quote for 500.00 EUR, numbered and sent today (no email), in a UTC business."""
    factories.business(time_zone="UTC")
    draft = create_quote(
        client=factories.client(), by=owner, lines=[factories.line("Audit", "1", "500")]
    )
    return send_quote(draft, by=owner, email=False)
