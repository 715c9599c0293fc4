"""Issued invoices and credit notes as EInvoices, read from their frozen snapshots alone."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from invoicetron.accounts.models import User
from invoicetron.billing import money, services
from invoicetron.billing.models import Invoice, InvoiceStatus
from invoicetron.einvoicing.build import from_credit_note, from_invoice
from invoicetron.einvoicing.document import CREDIT_NOTE, INVOICE
from invoicetron.einvoicing.errors import EInvoiceError
from tests.fixtures import eu_parties, factories


@pytest.fixture(autouse=True)
def parties(db: None) -> None:
    eu_parties.seller()


def issued(owner: User, lines: list[services.LineData], **fields: Any) -> Invoice:
    draft = factories.draft(owner, lines=lines, for_client=eu_parties.buyer(), **fields)
    return services.issue_invoice(draft, by=owner)


def two_rates(owner: User) -> Invoice:
    """3 h at 80 (10 % off) and a licence at 120, 20 % VAT; a reverse-charged 500; 5 % off all."""
    vat, reverse = eu_parties.vat(), eu_parties.reverse_charge()
    lines = [
        factories.line(
            "Design work\nLogo and colours", "3", "80", [vat], unit="hour", discount_value="10"
        ),
        factories.line("Font licence", "1", "120", [vat]),
        factories.line("Consulting", "2", "250", [reverse], unit="days"),
    ]
    return issued(owner, lines, discount_type="percent", discount_value="5", terms="Net 30")


def unsaved(snapshot: dict[str, Any]) -> Invoice:
    """An issued invoice with this snapshot (older or richer than today's issuing writes)."""
    return Invoice(status=InvoiceStatus.ISSUED, number=snapshot["number"], snapshot=snapshot)


def test_an_invoice_to_an_eu_business_carries_its_parties_lines_and_payment(owner: User) -> None:
    invoice = two_rates(owner)
    document = from_invoice(invoice)
    assert (document.type_code, document.number, document.currency) == (
        INVOICE,
        invoice.number,
        "EUR",
    )
    assert document.issue_date == invoice.issue_date.isoformat()
    assert document.due_date == invoice.due_date.isoformat()
    assert (document.seller.name, document.seller.vat_id) == ("Acme Studio", "FR12345678901")
    assert (document.seller.address.city, document.seller.address.country) == ("Paris", "FR")
    assert (document.buyer.vat_id, document.buyer.endpoint_scheme) == ("DE123456789", "9930")
    assert document.buyer.address.additional_street == "Haus B"
    assert document.buyer.contact_email == "ap@globex.example"
    design, licence, consulting = document.lines
    assert (design.name, design.description, design.unit_code) == (
        "Design work",
        "Logo and colours",
        "HUR",
    )
    assert (licence.unit_code, consulting.unit_code) == ("C62", "DAY")
    assert (design.quantity, design.net_price, design.net_amount) == (3, 80, Decimal("216.00"))
    assert [(a.charge, a.amount, a.reason, a.reason_code) for a in design.adjustments] == [
        (False, Decimal("24.00"), "Discount", "95")
    ]
    assert (consulting.vat.code, consulting.vat.rate, consulting.vat.exemption_code) == (
        "AE",
        0,
        "VATEX-EU-AE",
    )
    assert (design.vat.code, design.vat.exemption_code) == ("S", "")
    payment = document.payment
    assert (payment.code, payment.iban, payment.bic, payment.remittance, payment.terms) == (
        "58",
        "FR7630006000011234567890189",
        "AGRIFRPP",
        invoice.number,
        "Net 30",
    )


def test_the_figures_are_the_invoices_and_the_discount_is_split_by_vat_category(
    owner: User,
) -> None:
    invoice = two_rates(owner)
    document = from_invoice(invoice)
    totals = document.totals
    assert (totals.total_without_vat, totals.vat_total, totals.total_with_vat) == (
        invoice.net_total,
        invoice.tax_total,
        invoice.total,
    )
    assert (totals.line_net_total, totals.paid, totals.amount_due) == (
        Decimal("836.00"),
        Decimal("0.00"),
        invoice.total,
    )
    assert totals.allowance_total == Decimal("41.80") == sum(a.amount for a in document.adjustments)
    by_category = {a.vat.code: a for a in document.adjustments if a.vat}
    assert (by_category["S"].amount, by_category["AE"].amount) == (Decimal("16.80"), Decimal("25"))
    assert {a.reason_code for a in document.adjustments} == {"95"}
    breakdown = {
        row.vat.code: (row.taxable_amount, row.tax_amount) for row in document.vat_breakdown
    }
    assert breakdown == {"AE": (Decimal("475.00"), 0), "S": (Decimal("319.20"), Decimal("63.84"))}
    # Each category's lines less its allowances give its taxable amount (BR-S-08, BR-AE-08).
    for row in document.vat_breakdown:
        lines = sum(line.net_amount for line in document.lines if line.vat == row.vat)
        allowances = sum(a.amount for a in document.adjustments if a.vat == row.vat)
        assert lines - allowances == row.taxable_amount


def test_entered_line_and_document_allowances_and_charges_keep_their_reasons(owner: User) -> None:
    invoice = issued(owner, [factories.line("Paper", "24", "6", [eu_parties.vat()], unit="kg")])
    snapshot = copy.deepcopy(invoice.snapshot)
    assert snapshot is not None
    row = snapshot["lines"][0]
    row |= {"unit_code": "KGM", "base_quantity": "12"}
    row["adjustments"] = [
        {"charge": True, "reason": "Packing", "reason_code": "ABL", "kind": "amount", "value": "3"},
        {"charge": False, "reason": "", "reason_code": "", "kind": "percent", "value": "10"},
    ]
    snapshot["adjustments"] = [
        {"charge": True, "reason": "Freight", "reason_code": "FC", "kind": "amount", "value": "9"}
    ]
    vat = money.Tax("VAT", Decimal("20.000"))
    line = money.Line(
        Decimal(24),
        Decimal(6),
        (vat,),
        base_quantity=Decimal(12),
        adjustments=(
            money.Adjustment(charge=True, value=Decimal(3)),
            money.Adjustment(kind=money.DiscountKind.PERCENT, value=Decimal(10)),
        ),
    )
    freight = money.Adjustment(charge=True, value=Decimal(9), taxes=(vat,))
    totals = money.compute_totals([line], "EUR", adjustments=[freight])
    snapshot["totals"] = money.totals_to_json(totals)

    document = from_invoice(unsaved(snapshot))
    (paper,) = document.lines
    assert (paper.unit_code, paper.base_quantity, paper.net_amount) == ("KGM", 12, Decimal("13.80"))
    assert [(a.charge, a.amount, a.reason, a.reason_code) for a in paper.adjustments] == [
        (False, Decimal("1.20"), "Allowance", ""),
        (True, Decimal("3.00"), "Packing", "ABL"),
    ]
    (charge,) = document.adjustments
    assert (charge.charge, charge.amount, charge.reason, charge.reason_code) == (
        True,
        Decimal("9.00"),
        "Freight",
        "FC",
    )
    assert charge.vat is not None and charge.vat.code == "S"
    assert (document.totals.charge_total, document.totals.total_without_vat) == (
        Decimal("9.00"),
        Decimal("22.80"),
    )


def test_an_invoice_issued_before_the_einvoice_fields_names_every_field_to_fill_in(
    owner: User,
) -> None:
    invoice = issued(owner, [factories.line("Design", "1", "100", [eu_parties.vat()])])
    snapshot = copy.deepcopy(invoice.snapshot)
    assert snapshot is not None
    for party in ("business", "client"):
        for key in ("street", "city", "postcode", "country", "payment_means_code", "iban", "bic"):
            snapshot[party].pop(key, None)
    for key in ("buyer_reference", "order_reference", "adjustments"):
        del snapshot[key]
    for tax in snapshot["lines"][0]["taxes"]:
        del tax["category"]
    with pytest.raises(EInvoiceError) as caught:
        from_invoice(unsaved(snapshot))
    message = caught.value.message
    assert f"Invoice {invoice.number} cannot be an EN 16931 e-invoice" in message
    assert "the client's country (BT-55): add it in Clients → edit" in message
    assert "your country (BT-40): add it in Settings → Business" in message
    assert "your IBAN (BT-84)" in message
    assert len(caught.value.missing) == 3


def test_an_old_snapshot_with_an_address_still_gives_a_document(owner: User) -> None:
    invoice = issued(owner, [factories.line("Design", "1", "100", [eu_parties.vat()])])
    snapshot = copy.deepcopy(invoice.snapshot)
    assert snapshot is not None
    for key in ("adjustments", "buyer_reference", "order_reference"):
        del snapshot[key]
    for key in ("unit_code", "base_quantity", "adjustments"):
        del snapshot["lines"][0][key]
    del snapshot["lines"][0]["taxes"][0]["category"]
    document = from_invoice(unsaved(snapshot))
    assert (document.lines[0].vat.code, document.lines[0].base_quantity) == ("S", 1)
    assert document.totals.total_with_vat == invoice.total


def test_reverse_charge_needs_the_clients_vat_id(owner: User) -> None:
    draft = factories.draft(
        owner,
        lines=[factories.line("Consulting", "1", "500", [eu_parties.reverse_charge()])],
        for_client=eu_parties.buyer(tax_id=""),
    )
    with pytest.raises(
        EInvoiceError, match=r"the client's VAT id \(BT-48, needed by category AE\)"
    ):
        from_invoice(services.issue_invoice(draft, by=owner))


def test_a_tax_number_that_is_no_vat_id_is_asked_for_not_written(owner: User) -> None:
    """A US EIN kept in the tax id field is no VAT id: BT-31 would break BR-CO-09, so the
    e-invoice is refused with what to fill in instead."""
    eu_parties.seller(tax_id="12-3456789")
    draft = factories.draft(
        owner,
        lines=[factories.line("Design", "1", "500", [eu_parties.vat()])],
        for_client=eu_parties.buyer(),
    )
    with pytest.raises(EInvoiceError, match=r"your VAT id \(BT-31\)"):
        from_invoice(services.issue_invoice(draft, by=owner))


def test_out_of_scope_leaves_the_vat_ids_out(owner: User) -> None:
    out = eu_parties.vat("Not subject", "0", "O", "VATEX-EU-O", "Not subject to VAT")
    document = from_invoice(issued(owner, [factories.line("Training", "1", "300", [out])]))
    assert (document.seller.vat_id, document.buyer.vat_id) == ("", "")
    assert document.seller.registration_id == "123456789"
    assert document.vat_breakdown[0].vat.exemption_reason == "Not subject to VAT"


@pytest.mark.parametrize(
    ("taxes", "count"), [((), "0 taxes"), (("VAT", "Reduced"), "2 taxes")], ids=["none", "two"]
)
def test_a_line_needs_exactly_one_vat_category(
    owner: User, taxes: tuple[str, ...], count: str
) -> None:
    rates = {"VAT": eu_parties.vat(), "Reduced": eu_parties.vat("Reduced", "5.5")}
    line = factories.line("Books\nSecond line", "1", "10", [rates[name] for name in taxes])
    invoice = issued(owner, [factories.line("Design", "1", "100", [rates["VAT"]]), line])
    with pytest.raises(EInvoiceError, match=f"Line 2 \\(“Books”\\) has {count}"):
        from_invoice(invoice)


def test_a_standard_rate_of_zero_is_refused_with_where_to_fix_it(owner: User) -> None:
    invoice = issued(owner, [factories.line("Design", "1", "100", [eu_parties.vat("Zero", "0")])])
    with pytest.raises(EInvoiceError, match=r"“Zero” \(VAT category S\) has rate 0.*BR-S-05.*Tax"):
        from_invoice(invoice)


def test_prices_including_tax_are_refused(owner: User) -> None:
    invoice = issued(
        owner, [factories.line("Design", "1", "120", [eu_parties.vat()])], prices_include_tax=True
    )
    with pytest.raises(EInvoiceError, match="prices that include tax"):
        from_invoice(invoice)


def test_a_draft_is_refused(owner: User) -> None:
    draft = factories.draft(owner, for_client=eu_parties.buyer())
    with pytest.raises(EInvoiceError, match="Issue the invoice first"):
        from_invoice(draft)


def test_a_credit_note_names_its_invoice_and_carries_positive_amounts(owner: User) -> None:
    invoice = two_rates(owner)
    consulting = invoice.snapshot["lines"][2]["id"] if invoice.snapshot else 0
    note = services.create_credit_note(
        invoice, by=owner, lines=[services.CreditLine(consulting, "1")], reason="One day less"
    )
    document = from_credit_note(note)
    assert (document.type_code, document.number, document.note) == (
        CREDIT_NOTE,
        note.number,
        "One day less",
    )
    assert (document.preceding_invoice, document.preceding_invoice_date) == (
        invoice.number,
        invoice.issue_date.isoformat(),
    )
    assert (document.totals.total_without_vat, document.totals.total_with_vat) == (
        note.net_total,
        note.total,
    )
    assert note.total > 0 and document.totals.amount_due == note.total
    (line,) = document.lines
    assert (line.quantity, line.vat.code, line.net_amount) == (1, "AE", Decimal("250.00"))
    # Its share of the invoice's 5 % discount, as one allowance of the line's VAT category.
    assert [(a.amount, a.vat.code if a.vat else "") for a in document.adjustments] == [
        (Decimal("12.50"), "AE")
    ]
    assert (document.payment.code, document.payment.iban) == ("97", "")
    assert invoice.number in document.payment.terms


def test_a_currency_with_three_decimals_is_refused(owner: User) -> None:
    draft = factories.draft(
        owner,
        lines=[factories.line("Design", "1", "100", [eu_parties.vat()])],
        for_client=eu_parties.buyer(currency="KWD"),
    )
    invoice = services.issue_invoice(draft, by=owner, exchange_rate="3.01")
    with pytest.raises(EInvoiceError, match="KWD, whose amounts have 3 decimals"):
        from_invoice(invoice)


def test_an_intra_community_supply_is_delivered_on_its_issue_date_to_the_client(
    owner: User,
) -> None:
    supply = eu_parties.vat("Intra-EU", "0", "K", "VATEX-EU-IC", "Intra-community supply")
    document = from_invoice(issued(owner, [factories.line("Goods", "10", "9", [supply])]))
    assert document.delivery_date == document.issue_date
    assert document.delivery_address == document.buyer.address
    assert document.delivery_address.country == "DE"
    vat = from_invoice(issued(owner, [factories.line("Work", "1", "9", [eu_parties.vat()])]))
    assert (vat.delivery_date, vat.delivery_address) == ("", None)
