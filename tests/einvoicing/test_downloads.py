"""Downloading e-invoices: the API's /ubl, /cii and /facturx and the buttons of the pages."""

from __future__ import annotations

import pytest
from django.test import Client as WebClient

from invoicetron.accounts.models import User
from invoicetron.api.tokens import create_token
from invoicetron.billing import services
from invoicetron.billing.models import CreditNote, Invoice
from tests.fixtures import eu_parties, factories
from tests.fixtures.api import Api


@pytest.fixture
def invoice(owner: User) -> Invoice:
    eu_parties.seller()
    line = factories.line("Design work", "3", "80", [eu_parties.vat()], unit="hour")
    draft = factories.draft(owner, lines=[line], for_client=eu_parties.buyer())
    return services.issue_invoice(draft, by=owner)


@pytest.fixture
def colleague_api(colleague: User) -> Api:
    return Api(create_token(colleague, "tests").secret)


@pytest.fixture
def credit_note(invoice: Invoice, owner: User) -> CreditNote:
    return services.create_credit_note(invoice, by=owner, reason="Cancelled")


@pytest.mark.parametrize(
    ("format", "content_type", "suffix"),
    [("ubl", "application/xml", ".xml"), ("cii", "application/xml", ".cii.xml")],
)
def test_the_api_serves_an_issued_invoice_as_xml(
    api: Api, invoice: Invoice, format: str, content_type: str, suffix: str
) -> None:
    answer = api.get(f"invoices/{invoice.pk}/{format}")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == content_type
    assert f'filename="{invoice.number}{suffix}"' in answer.headers["Content-Disposition"]
    assert invoice.number.encode() in answer.body


def test_the_api_serves_the_factur_x_pdf_of_an_invoice_and_of_a_credit_note(
    api: Api, invoice: Invoice, credit_note: CreditNote
) -> None:
    for path, number in (
        (f"invoices/{invoice.pk}/facturx", invoice.number),
        (f"credit-notes/{credit_note.pk}/facturx", credit_note.number),
    ):
        answer = api.get(path)
        assert (answer.status, answer.headers["Content-Type"]) == (200, "application/pdf")
        assert f'filename="{number}.pdf"' in answer.headers["Content-Disposition"]
        assert answer.body.startswith(b"%PDF-")


def test_the_api_serves_a_credit_note_as_ubl(
    api: Api, credit_note: CreditNote, colleague_api: Api
) -> None:
    for caller in (api, colleague_api):
        answer = caller.get(f"credit-notes/{credit_note.pk}/ubl")
        assert answer.status == 200
        assert f'filename="{credit_note.number}.xml"' in answer.headers["Content-Disposition"]


def test_a_draft_answers_409(api: Api, owner: User) -> None:
    eu_parties.seller()
    draft = factories.draft(owner, for_client=eu_parties.buyer())
    answer = api.get(f"invoices/{draft.pk}/ubl")
    assert answer.status == 409
    assert answer.error["code"] == "not_issued"
    assert "Issue the invoice first" in answer.error["message"]


def test_missing_data_answers_422_with_what_to_fill_in(api: Api, owner: User) -> None:
    eu_parties.seller()
    draft = factories.draft(owner, for_client=eu_parties.buyer(country=""))
    invoice = services.issue_invoice(draft, by=owner)
    answer = api.get(f"invoices/{invoice.pk}/cii")
    assert answer.status == 422
    assert answer.error["code"] == "einvoice_incomplete"
    assert "the client's country (BT-55): add it in Clients → edit" in answer.error["message"]


def test_xrechnung_needs_the_buyer_reference(api: Api, invoice: Invoice) -> None:
    answer = api.get(f"invoices/{invoice.pk}/ubl", profile="xrechnung")
    assert answer.status == 422
    assert "buyer reference (BT-10" in answer.error["message"]
    assert api.get(f"invoices/{invoice.pk}/ubl", profile="peppol").status == 422


def test_unknown_documents_answer_404(api: Api, db: None) -> None:
    assert api.get("invoices/999999/ubl").status == 404
    assert api.get("credit-notes/999999/cii").status == 404


def test_the_invoice_page_offers_the_downloads_once_issued(
    as_owner: WebClient, invoice: Invoice, credit_note: CreditNote, owner: User
) -> None:
    page = as_owner.get(f"/invoices/{invoice.pk}/").content.decode()
    for format in ("facturx", "ubl", "cii"):
        assert f'href="/invoices/{invoice.pk}/{format}/"' in page
        assert f'href="/credit-notes/{credit_note.pk}/{format}/"' in page
    listed = as_owner.get("/credit-notes/").content.decode()
    assert f'href="/credit-notes/{credit_note.pk}/ubl/"' in listed
    draft = factories.draft(owner, for_client=invoice.client)
    assert (
        f"/invoices/{draft.pk}/ubl/" not in as_owner.get(f"/invoices/{draft.pk}/").content.decode()
    )


def test_members_download_with_the_documents_number_as_the_filename(
    as_colleague: WebClient, invoice: Invoice, credit_note: CreditNote
) -> None:
    response = as_colleague.get(f"/invoices/{invoice.pk}/ubl/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert f'attachment; filename="{invoice.number}.xml"' in response["Content-Disposition"]
    response = as_colleague.get(f"/credit-notes/{credit_note.pk}/facturx/")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_strangers_are_sent_to_sign_in(invoice: Invoice) -> None:
    response = WebClient().get(f"/invoices/{invoice.pk}/ubl/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_missing_data_sends_the_user_back_to_the_invoice_with_what_to_fill_in(
    as_owner: WebClient, owner: User
) -> None:
    eu_parties.seller(country="")
    draft = factories.draft(owner, for_client=eu_parties.buyer())
    invoice = services.issue_invoice(draft, by=owner)
    response = as_owner.get(f"/invoices/{invoice.pk}/facturx/", follow=True)
    assert response.redirect_chain == [(f"/invoices/{invoice.pk}/", 302)]
    assert "your country (BT-40): add it in Settings → Business" in response.content.decode()
