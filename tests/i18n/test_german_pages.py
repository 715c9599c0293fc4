"""A sweep for English left on the main pages when the UI is German (#19): every page of a
business with one of each document (refund, client credit, credit note, quote, deposit and
final invoice) is read as its user sees it, and any text made of English words fails."""

from __future__ import annotations

from django.utils import translation

from invoicetron.accounts.models import User
from tests.fixtures.languages import speaking
from tests.i18n.german_pages import english_texts, german_business, pages


def test_no_page_shows_english_when_the_ui_is_german(owner: User) -> None:
    # The records are made as a German-speaking owner would make them: what they store (the
    # history's descriptions, a deposit's line) is then German too.
    with translation.override("de"):
        records = german_business(owner)
    web = speaking(owner, "de")
    left = {}
    for name, url in pages(records).items():
        response = web.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        texts = english_texts(response.content.decode())
        if texts:
            left[name] = sorted(set(texts))
    assert left == {}


def test_the_sweep_finds_english() -> None:
    page = (
        '<p>Rechnungen</p><button title="Save the invoice">x</button><p>Refund of 10.00</p>'
        "<p>invoice.issued, quote.accepted</p><code>{{ due_date }}</code>"
    )
    assert english_texts(page) == ["Save the invoice", "Refund of 10.00"]
    assert english_texts("<td>Balance due</td><td>Offener Betrag</td>") == ["Balance due"]
