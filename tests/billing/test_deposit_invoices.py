"""Deposit invoices and the final invoice deducting them, through the services (money rule 13)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import Invoice, InvoiceKind, InvoiceStatus
from invoicetron.billing.pdf import render_invoice_pdf
from invoicetron.billing.services.deposits import (
    deduct_deposits,
    deduct_order_deposits,
    deposit_for_draft,
)
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import (
    accept_quote,
    convert_to_invoice,
    create_quote,
    request_deposit,
    send_quote,
)
from tests.fixtures import factories

MINUS = "\N{MINUS SIGN}"  # as the PDF writes a deduction


def two_rate_quote(owner: User) -> Quote:
    """1 000.00 at 19 % and 333.33 at 7 %, less 10 %: nets 900.00 and 300.00, total 1 392.00."""
    factories.business()
    standard, reduced = factories.tax_rate("VAT", "19"), factories.tax_rate("VAT", "7")
    quote = create_quote(
        client=factories.client(),
        by=owner,
        lines=[
            factories.line("Build", "10", "100", [standard]),
            factories.line("Books", "1", "333.33", [reduced]),
        ],
        discount_type="percent",
        discount_value="10",
    )
    return send_quote(quote, by=owner, email=False)


def pay(invoice: Invoice, owner: User) -> Invoice:
    invoice.refresh_from_db()
    services.record_payment(invoice, amount=invoice.balance_due, by=owner)
    invoice.refresh_from_db()
    return invoice


def test_a_deposit_and_the_final_invoice_add_up_to_the_quote_with_vat_counted_once(
    owner: User,
) -> None:
    quote = two_rate_quote(owner)
    whole = quote.snapshot["totals"]
    deposit = request_deposit(quote, by=owner, percent="30")
    assert deposit.kind == InvoiceKind.DEPOSIT
    deposit = services.issue_invoice(deposit, by=owner)
    # 30 % of the discounted net 1 200.00, split 900.00 : 300.00 → 270.00 + 90.00
    assert deposit.net_total == Decimal("360.00")
    assert deposit.snapshot["kind"] == "deposit"
    pay(deposit, owner)
    accept_quote(quote, by=owner)
    final = convert_to_invoice(quote, by=owner)
    final = services.issue_invoice(final, by=owner)
    assert final.kind == InvoiceKind.STANDARD
    assert final.net_total + deposit.net_total == Decimal(whole["net_total"])
    assert final.tax_total + deposit.tax_total == Decimal(whole["tax_total"])
    assert final.total + deposit.total == Decimal(whole["total"])
    assert [row["number"] for row in final.snapshot["deductions"]] == [deposit.number]
    by_rate = {row["rate"]: Decimal(row["tax"]) for row in final.snapshot["totals"]["taxes"]}
    deposit_by_rate = {r["rate"]: Decimal(r["tax"]) for r in deposit.snapshot["totals"]["taxes"]}
    whole_by_rate = {row["rate"]: Decimal(row["tax"]) for row in whole["taxes"]}
    for rate, tax in whole_by_rate.items():
        assert by_rate[rate] + deposit_by_rate[rate] == tax
    pay(final, owner)
    assert final.status == InvoiceStatus.PAID
    # The final invoice took the deposit off as paid: its payment stays.
    with pytest.raises(ValidationError, match="deducted on invoice"):
        services.delete_payment(deposit.payments.get(), by=owner)


def test_a_final_invoice_is_not_issued_while_its_deposit_is_unpaid(owner: User) -> None:
    quote = two_rate_quote(owner)
    deposit = services.issue_invoice(request_deposit(quote, by=owner, amount="500"), by=owner)
    accept_quote(quote, by=owner)
    final = convert_to_invoice(quote, by=owner)
    with pytest.raises(ValidationError, match="not paid yet"):
        services.issue_invoice(final, by=owner)
    pay(deposit, owner)
    final = services.issue_invoice(final, by=owner)
    assert final.total == quote.total - deposit.total


def test_deposits_above_the_quote_total_are_refused(owner: User) -> None:
    quote = two_rate_quote(owner)
    with pytest.raises(ValidationError, match="at most"):
        request_deposit(quote, by=owner, amount="1392.01")
    request_deposit(quote, by=owner, percent="80")
    with pytest.raises(ValidationError, match="leaves to ask"):
        request_deposit(quote, by=owner, percent="30")
    with pytest.raises(ValidationError, match="percent"):
        request_deposit(quote, by=owner, percent="0")


def test_a_deposit_is_deducted_once_and_only_for_its_client_and_currency(owner: User) -> None:
    deposit = services.issue_invoice(
        deposit_for_draft(factories.draft(owner), by=owner, percent="50"), by=owner
    )
    pay(deposit, owner)
    other_draft = factories.draft(owner, for_client=deposit.client)
    with pytest.raises(ValidationError, match="already deducted"):
        deduct_deposits(other_draft, [deposit], by=owner)
    stranger = factories.draft(owner, for_client=factories.client("Initech"))
    with pytest.raises(ValidationError, match="another client"):
        deduct_deposits(stranger, [deposit], by=owner)
    dollars = factories.draft(owner, for_client=deposit.client, currency="USD")
    with pytest.raises(ValidationError, match="another currency"):
        deduct_deposits(dollars, [deposit], by=owner)


def test_an_order_draft_deducts_the_deposits_naming_its_reference(owner: User) -> None:
    factories.business()
    order = factories.draft(owner, order_reference="PO-77")
    deposit = deposit_for_draft(order, by=owner, percent="25")
    assert deposit.order_reference == "PO-77"
    services.issue_invoice(deposit, by=owner)
    pay(deposit, owner)
    order.refresh_from_db()
    # 3 x 80 + 120 = 360 net, 72 VAT: the order is 432.00, its deposit 108.00
    assert (deposit.total, order.total) == (Decimal("108.00"), Decimal("324.00"))
    manual = factories.draft(owner, for_client=order.client, order_reference="PO-77")
    assert deduct_order_deposits(manual, by=owner) == []  # already deducted on the order
    final = services.issue_invoice(order, by=owner)
    assert final.total == Decimal("324.00")


def test_the_pdfs_say_deposit_invoice_and_show_the_deduction(owner: User) -> None:
    quote = two_rate_quote(owner)
    deposit = services.issue_invoice(request_deposit(quote, by=owner, percent="30"), by=owner)
    pay(deposit, owner)
    accept_quote(quote, by=owner)
    final = services.issue_invoice(convert_to_invoice(quote, by=owner), by=owner)
    deposit_text = pdf_text(render_invoice_pdf(deposit))
    assert "Deposit invoice" in deposit_text
    final_text = pdf_text(render_invoice_pdf(final))
    flat = " ".join(final_text.split())
    # the deposit's net (both rates) under the discount; what is left: 840.00 + 134.40 tax
    assert f"Less deposit invoice {deposit.number} {MINUS}360.00 Net total 840.00" in flat
    assert "Tax total 134.40 Total €974.40" in flat  # English documents: CLDR's en
    issued = deposit.issue_date
    day = f"{issued:%B} {issued.day}, {issued.year}"
    assert f"{deposit.number} of {day} VAT 19 % {MINUS}270.00 {MINUS}51.30" in flat


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_deleting_a_draft_deposit_frees_its_final_invoice(owner: User) -> None:
    order = factories.draft(owner)
    deposit = deposit_for_draft(order, by=owner, amount="100")
    services.delete_draft(deposit, by=owner)
    order.refresh_from_db()
    assert not order.deductions.exists()
    assert services.issue_invoice(order, by=owner).total == Decimal("432.00")
