"""The sample e-invoices cover what issue #17 asks the writers to be proven on."""

from __future__ import annotations

from decimal import Decimal

from invoicetron.billing import money
from invoicetron.einvoicing.document import CREDIT_NOTE, EInvoice


def test_the_samples_cover_every_vat_category(einvoices: dict[str, EInvoice]) -> None:
    categories = {row.vat.code for doc in einvoices.values() for row in doc.vat_breakdown}

    assert categories == {"S", "Z", "E", "AE", "K", "G", "O", "L", "M"}


def test_the_samples_have_allowances_and_charges_on_lines_and_documents(
    einvoices: dict[str, EInvoice],
) -> None:
    line_kinds = {
        (adjustment.charge, adjustment.percent is not None)
        for doc in einvoices.values()
        for line in doc.lines
        for adjustment in line.adjustments
    }
    document_kinds = {
        (adjustment.charge, adjustment.percent is not None)
        for doc in einvoices.values()
        for adjustment in doc.adjustments
    }

    assert line_kinds == {(False, False), (False, True), (True, False)}
    assert document_kinds == {(False, False), (False, True), (True, False)}
    # Each document allowance or charge names its VAT category; a spread one has a row per rate.
    assert all(a.vat for doc in einvoices.values() for a in doc.adjustments)
    spread = einvoices["document-discount-spread"].adjustments
    assert sorted(a.vat.rate for a in spread if a.vat) == [Decimal(7), Decimal(19)]


def test_the_samples_use_base_quantities_currencies_and_a_credit_note(
    einvoices: dict[str, EInvoice],
) -> None:
    currencies = {doc.currency for doc in einvoices.values()}
    base_quantities = {line.base_quantity for doc in einvoices.values() for line in doc.lines}
    credit_notes = [doc for doc in einvoices.values() if doc.type_code == CREDIT_NOTE]

    assert {"EUR", "JPY", "GBP", "USD"} <= currencies
    assert Decimal(12) in base_quantities
    # Credit notes of an invoice (BT-25/BT-26) and one standing alone.
    assert {(doc.preceding_invoice, doc.preceding_invoice_date) for doc in credit_notes} == {
        ("INV-2026-0001", "2026-12-01"),
        ("", ""),
    }
    # A credit note whose lines, each rounded, miss its share by a cent shows the difference as
    # a document allowance and a charge, so its lines still add up to its total (BR-CO-13).
    residuals = einvoices["credit-note-rounding"].adjustments
    assert sorted((a.charge, a.amount) for a in residuals) == [
        (False, Decimal("0.01")),
        (True, Decimal("0.01")),
    ]


def test_every_amount_has_its_currencys_decimals(einvoices: dict[str, EInvoice]) -> None:
    for doc in einvoices.values():
        places = -money.minor_unit(doc.currency)
        figures = [
            *vars(doc.totals).values(),
            *(line.net_amount for line in doc.lines),
            *(row.tax_amount for row in doc.vat_breakdown),
            *(row.taxable_amount for row in doc.vat_breakdown),
        ]
        assert {figure.as_tuple().exponent for figure in figures} == {places}, doc.number
