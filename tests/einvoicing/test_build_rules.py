"""Issued invoices of every VAT category and their credit notes, built from their snapshots and
written as UBL and CII, pass the EN 16931 rules with zero fatal failures."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.einvoicing import cii, ubl
from invoicetron.einvoicing.build import from_credit_note, from_invoice
from invoicetron.einvoicing.document import EInvoice
from invoicetron.einvoicing.rules import check_cii, check_ubl
from tests.fixtures import eu_parties, factories

# category, rate, VATEX code, reason
CATEGORIES = [
    ("S", "20", "", ""),
    ("Z", "0", "", ""),
    ("E", "0", "VATEX-EU-132", "Exempt: medical care"),
    ("AE", "0", "VATEX-EU-AE", "Reverse charge"),
    ("K", "0", "VATEX-EU-IC", "Intra-community supply"),
    ("G", "0", "VATEX-EU-G", "Export outside the EU"),
    ("O", "0", "VATEX-EU-O", "Not subject to VAT"),
    ("L", "7", "", ""),
    ("M", "4", "", ""),
]


def passes(doc: EInvoice) -> None:
    for report in (check_ubl(ubl.write(doc)), check_cii(cii.write(doc))):
        assert report.fatal == [], str(report)


@pytest.mark.parametrize(("category", "rate", "code", "reason"), CATEGORIES)
def test_every_vat_category_passes_with_its_credit_note(
    owner: User, category: str, rate: str, code: str, reason: str
) -> None:
    eu_parties.seller()
    tax = eu_parties.vat(f"Tax {category}", rate, category, code, reason)
    lines = [
        factories.line("Work\nin two parts", "3", "80", [tax], unit="hour", discount_value="10"),
        factories.line("Material", "7", "12.99", [tax], unit="kg"),
    ]
    draft = factories.draft(owner, lines=lines, for_client=eu_parties.buyer(), discount_value="5")
    invoice = services.issue_invoice(draft, by=owner)
    doc = from_invoice(invoice)
    passes(doc)
    assert doc.totals.total_with_vat == invoice.total
    note = services.create_credit_note(
        invoice, by=owner, lines=[services.CreditLine(invoice.snapshot["lines"][1]["id"], "3")]
    )
    credit = from_credit_note(note)
    passes(credit)
    assert credit.totals.total_with_vat == note.total


@pytest.mark.parametrize("currency", ["JPY", "USD", "GBP"])
def test_other_currencies_pass(owner: User, currency: str) -> None:
    eu_parties.seller()
    vat, reduced = eu_parties.vat(), eu_parties.vat("Reduced", "5.5")
    lines = [
        factories.line("Design", "3", "80.5", [vat]),
        factories.line("Books", "7", "12.99", [reduced]),
    ]
    draft = factories.draft(
        owner,
        lines=lines,
        for_client=eu_parties.buyer(currency=currency),
        discount_type="percent",
        discount_value="3",
    )
    invoice = services.issue_invoice(
        draft, by=owner, issue_date=datetime.date(2026, 3, 2), exchange_rate=Decimal("0.91")
    )
    doc = from_invoice(invoice)
    assert doc.currency == currency
    passes(doc)
