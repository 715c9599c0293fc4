"""Why an invoice cannot be an e-invoice is said in the reader's language (#19): the page in the
user's, the API in English, whatever the client's language."""

from __future__ import annotations

from invoicetron.accounts.models import User
from invoicetron.billing import services
from tests.fixtures import eu_parties, factories
from tests.fixtures.api import Api
from tests.fixtures.forms import text_of
from tests.fixtures.languages import speaking


def test_a_refused_download_explains_itself_in_german_and_the_api_in_english(
    owner: User, api: Api
) -> None:
    eu_parties.seller()
    draft = factories.draft(owner, for_client=eu_parties.buyer(country=""))
    invoice = services.issue_invoice(draft, by=owner)
    web = speaking(owner, "de")
    response = web.get(f"/invoices/{invoice.pk}/cii/", follow=True)
    assert response.redirect_chain == [(f"/invoices/{invoice.pk}/", 302)]
    page = text_of(response.content.decode())
    assert f"Invoice {invoice.number} kann keine E-Rechnung nach EN 16931 sein." in page
    assert "Es fehlt: das Land des Kunden (BT-55): ergänzen Sie es unter Kunden → Bearbeiten." in (
        page
    )
    assert "cannot be an EN 16931 e-invoice" not in page
    answer = api.get(f"invoices/{invoice.pk}/cii")
    assert answer.status == 422
    assert "the client's country (BT-55): add it in Clients → edit" in answer.error["message"]
