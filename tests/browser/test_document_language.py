"""Issue #19 in Chromium: the owner sets a client's document language to French, issues an
invoice to it, and downloads a French PDF with French figures."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing.models import Client
from tests.fixtures import factories
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
NNBSP, NBSP = "\u202f", "\xa0"


def test_a_client_set_to_french_gets_a_french_pdf(
    live_server: Any, page: Any, owner: User, tmp_path: Path
) -> None:
    factories.business()
    factories.tax_rate("TVA", "20")
    client = factories.client("Société Dupont")
    base = live_server.url
    page.set_default_timeout(15_000)
    sign_in(page, base)

    page.goto(f"{base}/clients/{client.pk}/edit/")
    page.get_by_label("Document language").select_option("fr")
    page.get_by_role("button", name="Save client").click()
    page.get_by_role("heading", name="Société Dupont").wait_for()
    assert Client.objects.get(pk=client.pk).language == "fr"

    page.goto(f"{base}/invoices/new/")
    page.get_by_label("Client").select_option(label="Société Dupont")
    row = page.locator("#lines fieldset.line").nth(0)
    row.locator('[name="lines-0-description"]').fill("Conseil")
    row.locator('[name="lines-0-quantity"]').fill("1")
    row.locator('[name="lines-0-unit_price"]').fill("1028.75")
    row.get_by_label("TVA 20 %", exact=True).check()
    page.get_by_role("button", name="Save draft").click()
    page.get_by_role("heading", name="Draft invoice").wait_for()
    page.get_by_role("button", name="Issue invoice").click()
    heading = page.get_by_role("heading", level=1)
    heading.filter(has_text=re.compile(r"INV-\d{4}-0001")).wait_for()
    screenshot(page, "language-01-issued-to-french-client")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "facture.pdf"
    download.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF-")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert "Facture" in text and "Reste à payer" in text and "Invoice" not in text
    assert f"1{NNBSP}234,50{NBSP}€" in text  # 1,028.75 + 20 % (205.75)
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    assert re.search(rf"Date \d{{1,2}} ({months}) \d{{4}}", text)
