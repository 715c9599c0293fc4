"""An issued invoice or credit note as an `EInvoice` (document.py), from its frozen snapshot only.

- `from_invoice(invoice) -> EInvoice` (type 380), `from_credit_note(credit_note) -> EInvoice`
  (type 381, naming the invoice it credits in BT-25/BT-26, its amounts positive).
- Both raise `EInvoiceError` (errors.py) when the document cannot be an EN 16931 e-invoice, with
  a message saying what to fill in and where ("the client's country (BT-55): add it in Clients →
  edit"): every gap of the parties and the payment at once, or the one line or tax at fault.

Every amount comes from the snapshot's totals and `billing.money` (BG-22 from
`money.document_totals`, the document discount per tax from `money.discount_shares`); nothing here
adds, subtracts or rounds money. Each line carries exactly one tax, whose VAT category (BT-151)
the snapshot froze with it; the VAT breakdown (BG-23) is the totals' tax rows with those
categories. The line discount becomes a line allowance ("Discount", UNCL5189 code 95), as does
the document discount per VAT category; the allowances and charges entered on a line or the
document keep their reasons. An intra-community supply (K) gives its issue date as the delivery
date (BT-72) and the client's address as the delivery address (BG-15). Snapshots older than the
e-invoice fields read with defaults (no address, category S, unit from the free text, base
quantity 1, no allowances or charges).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy

from invoicetron.billing import locales, money
from invoicetron.billing.formatting import localized_date
from invoicetron.billing.models import REASON_CATEGORIES, ZERO_RATE_CATEGORIES, CreditNote, Invoice
from invoicetron.billing.services.credit_notes import LINE_ROUNDING_REASON
from invoicetron.einvoicing.document import (
    CREDIT_NOTE,
    INVOICE,
    PREPAYMENT_INVOICE,
    Adjustment,
    EInvoice,
    Line,
    PaymentMeans,
    VatBreakdown,
    VatCategory,
)
from invoicetron.einvoicing.errors import EInvoiceError, Missing, missing_error
from invoicetron.einvoicing.parties import BUSINESS_PAGE, buyer, missing_fields, seller
from invoicetron.einvoicing.units import unit_code

# Reason (in the document's language) and UNCL5189 code of the line and document discounts.
DISCOUNT = (pgettext_lazy("allowance reason", "Discount"), "95")
# UNCL4461: credit transfers need the payee's account (BR-61); a credit note is settled against
# its invoice's balance ("clearing between partners"), not paid.
CREDIT_TRANSFERS = frozenset({"30", "58"})
CLEARING = "97"
MAX_DECIMALS = 2  # of any amount (BR-DEC-01 to BR-DEC-28)


def from_invoice(invoice: Invoice) -> EInvoice:
    """The issued `invoice` as EN 16931 sees it; EInvoiceError if it is a draft or lacks data.
    Its texts for people (payment terms, allowance reasons) are in the document's language."""
    snapshot = invoice.snapshot
    if invoice.is_draft or not snapshot:
        raise EInvoiceError("Issue the invoice first: a draft has no number and may still change.")
    with locales.speaking(locales.of_snapshot(snapshot)):
        return _from_invoice(invoice, snapshot)


def _from_invoice(invoice: Invoice, snapshot: Mapping[str, Any]) -> EInvoice:
    number = str(snapshot.get("number") or invoice.number)
    label = f"Invoice {number}"
    business = snapshot.get("business") or {}
    due_date = str(snapshot.get("due_date") or "")
    terms = str(snapshot.get("terms") or "").strip() or _due_by(snapshot, due_date)
    code = str(business.get("payment_means_code") or "58")
    iban = str(business.get("iban") or "").replace(" ", "")
    missing = []
    if code in CREDIT_TRANSFERS and not iban:
        missing.append(
            Missing(
                f"your IBAN (BT-84), which payment means {code} (credit transfer) needs",
                f"{BUSINESS_PAGE}, or choose another payment means there",
            )
        )
    payment = PaymentMeans(
        code=code,
        iban=iban,
        bic=str(business.get("bic") or "").strip(),
        account_name=str(business.get("name") or "").strip(),
        remittance=number,
        terms=terms,
    )
    deducted = snapshot.get("deductions") or []
    return _document(
        snapshot,
        number,
        label,
        type_code=PREPAYMENT_INVOICE if snapshot.get("kind") == "deposit" else INVOICE,
        deducted=deducted,
        payment=payment,
        missing=missing,
        entered=snapshot.get("adjustments") or [],
        references=snapshot,
        due_date=due_date,
        note=str(snapshot.get("notes") or "").strip(),
    )


def _due_by(snapshot: Mapping[str, Any], due_date: str) -> str:
    """The payment terms (BT-20) of an invoice without its own: its due date, in its locale."""
    if not due_date:
        return ""
    day = localized_date(
        datetime.date.fromisoformat(due_date), locales.of_snapshot(snapshot).locale
    )
    return gettext("Due by %(date)s.") % {"date": day}


def from_credit_note(credit_note: CreditNote) -> EInvoice:
    """The credit note as EN 16931 sees it: type 381, the credited invoice in BT-25/BT-26.

    Its buyer and order references are its invoice's (frozen in the invoice's snapshot); its
    texts for people are in its language."""
    with locales.speaking(locales.of_snapshot(credit_note.snapshot)):
        return _from_credit_note(credit_note, credit_note.snapshot)


def _from_credit_note(credit_note: CreditNote, snapshot: Mapping[str, Any]) -> EInvoice:
    number = str(snapshot.get("number") or credit_note.number)
    invoice_number = str(snapshot.get("invoice_number") or credit_note.invoice.number)
    payment = PaymentMeans(
        code=CLEARING,
        remittance=number,
        terms=gettext("Deducted from the balance of invoice %(number)s.")
        % {"number": invoice_number},
    )
    return _document(
        snapshot,
        number,
        f"Credit note {number}",
        type_code=CREDIT_NOTE,
        payment=payment,
        missing=[],
        # The credit service lists the reasons of its allowances and charges in the order of
        # its totals' (the invoice's own reasons; its line rounding named as such).
        entered=snapshot.get("adjustments") or [],
        references=credit_note.invoice.snapshot or {},
        preceding_invoice=invoice_number,
        preceding_invoice_date=str(snapshot.get("invoice_issue_date") or ""),
        note=str(snapshot.get("reason") or "").strip(),
    )


def _document(
    snapshot: Mapping[str, Any],
    number: str,
    label: str,
    *,
    type_code: str,
    payment: PaymentMeans,
    missing: list[Missing],
    entered: Sequence[Mapping[str, Any]],
    references: Mapping[str, Any],
    due_date: str = "",
    preceding_invoice: str = "",
    preceding_invoice_date: str = "",
    note: str = "",
    deducted: Sequence[Mapping[str, Any]] = (),
) -> EInvoice:
    """What invoices and credit notes share: parties, lines, VAT, allowances, totals."""
    if snapshot.get("prices_include_tax"):
        raise EInvoiceError(
            gettext_noop(
                "%(label)s has prices that include tax, and EN 16931 needs prices without VAT "
                "(BT-146, BT-131): documents with prices excluding tax can be e-invoices."
            ),
            label=label,
        )
    totals = money.totals_from_json(snapshot["totals"])
    if money.minor_unit(totals.currency) > MAX_DECIMALS:
        raise EInvoiceError(
            gettext_noop(
                "%(label)s is in %(currency)s, whose amounts have %(decimals)s decimals, and "
                "EN 16931 allows at most %(most)s (BR-DEC-09…): e-invoices can be in currencies "
                "of 0 or 2 decimals."
            ),
            label=label,
            currency=totals.currency,
            decimals=money.minor_unit(totals.currency),
            most=MAX_DECIMALS,
        )
    rows = snapshot.get("lines") or []
    if len(rows) != len(totals.lines):
        raise EInvoiceError(
            gettext_noop("%(label)s: its stored lines and figures do not match."), label=label
        )
    categories = _categories(rows)
    codes = {vat.code for vat in categories.values()}
    parties = (
        seller(snapshot.get("business") or {}, codes),
        buyer(snapshot.get("client") or {}, codes),
    )
    missing = missing_fields(*parties, codes) + missing
    if missing:
        raise missing_error(label, missing)
    line_taxes = [_line_tax(row, index) for index, row in enumerate(rows, 1)]
    try:
        document_totals = money.document_totals(totals)
        discounts = money.discount_shares(totals, [(tax,) for tax in line_taxes])
    except money.MoneyError as error:
        raise EInvoiceError(f"{label}: {error}") from error
    # An intra-community supply names its delivery (BR-IC-11, BR-IC-12); Invoicetron records no
    # delivery of its own, so the document's date and the client's address stand for it.
    supply = "K" in codes
    return EInvoice(
        type_code=type_code,
        number=number,
        issue_date=str(snapshot.get("issue_date") or ""),
        currency=totals.currency,
        seller=parties[0],
        buyer=parties[1],
        lines=tuple(
            _line(index, row, figures, categories[tax])
            for index, (row, figures, tax) in enumerate(
                zip(rows, totals.lines, line_taxes, strict=True), 1
            )
        ),
        vat_breakdown=tuple(
            VatBreakdown(_vat(categories, money.Tax(row.name, row.rate)), row.base, row.tax)
            for row in totals.taxes
        ),
        totals=document_totals,
        adjustments=(
            *(_discount(False, share, _vat(categories, tax)) for tax, share in discounts),
            *_document_adjustments(totals, entered, categories, rounding=type_code == CREDIT_NOTE),
            *_deductions(totals, deducted, categories),
        ),
        payment=payment,
        buyer_reference=str(references.get("buyer_reference") or "").strip(),
        order_reference=str(references.get("order_reference") or "").strip(),
        due_date=due_date,
        preceding_invoice=preceding_invoice,
        preceding_invoice_date=preceding_invoice_date,
        deducted_invoices=tuple(
            (str(row.get("number") or ""), str(row.get("issue_date") or "")) for row in deducted
        ),
        note=note,
        delivery_date=str(snapshot.get("issue_date") or "") if supply else "",
        delivery_address=parties[1].address if supply else None,
    )


# -- VAT categories --------------------------------------------------------------------------------


def _categories(rows: Iterable[Mapping[str, Any]]) -> dict[money.Tax, VatCategory]:
    """The VAT category of every tax the lines carry, checked as EN 16931 wants it."""
    categories: dict[money.Tax, VatCategory] = {}
    for row in rows:
        for tax in row.get("taxes") or []:
            key = money.Tax(tax["name"], Decimal(tax["rate"]))
            categories[key] = _category(tax)
    seen: dict[tuple[str, Decimal], money.Tax] = {}
    for key, vat in categories.items():
        other = seen.setdefault((vat.code, vat.rate), key)
        if other != key:
            raise EInvoiceError(
                gettext_noop(
                    "The tax rates “%(first)s” and “%(second)s” are both VAT category %(code)s at "
                    "%(rate)s %%: EN 16931 shows one VAT breakdown row per category and rate, so a "
                    "document may use only one of them."
                ),
                first=other.name,
                second=key.name,
                code=vat.code,
                rate=vat.rate,
            )
    return categories


def _category(tax: Mapping[str, Any]) -> VatCategory:
    code = str(tax.get("category") or "S")
    rate = Decimal(tax["rate"])
    exemption_code = str(tax.get("exemption_reason_code") or "").strip()
    exemption = str(tax.get("exemption_reason") or "").strip()
    tax_rate = {"name": tax["name"], "code": code}
    if code == "S" and rate <= 0:
        raise EInvoiceError(
            gettext_noop(
                "The tax rate “%(name)s” (VAT category %(code)s) has rate 0, and standard rated "
                "VAT needs a rate (BR-S-05). Set its category in Settings → Tax rates; documents "
                "issued after carry it."
            ),
            **tax_rate,
        )
    if code in ZERO_RATE_CATEGORIES and rate != 0:
        raise EInvoiceError(
            gettext_noop(
                "The tax rate “%(name)s” (VAT category %(code)s) must have rate 0, not %(rate)s %% "
                "(BR-%(code)s-05). Set its category in Settings → Tax rates; documents issued "
                "after carry it."
            ),
            rate=rate,
            **tax_rate,
        )
    if code in REASON_CATEGORIES and not (exemption_code or exemption):
        raise EInvoiceError(
            gettext_noop(
                "The tax rate “%(name)s” (VAT category %(code)s) needs an exemption reason code or "
                "text (BR-%(code)s-10). Add one in Settings → Tax rates; documents issued after "
                "carry it."
            ),
            **tax_rate,
        )
    if code not in REASON_CATEGORIES:  # BR-S-10, BR-Z-10…: no exemption reason
        exemption_code = exemption = ""
    return VatCategory(code, rate, exemption_code, exemption)


def _vat(categories: Mapping[money.Tax, VatCategory], tax: money.Tax) -> VatCategory:
    if tax not in categories:  # a document charge of a tax no line carries
        raise EInvoiceError(
            gettext_noop(
                "The tax “%(name)s” %(rate)s %% is on no line, so its VAT category is unknown: "
                "give its allowance or charge the tax of one of the lines."
            ),
            name=tax.name,
            rate=tax.rate,
        )
    return categories[tax]


def _line_tax(row: Mapping[str, Any], index: int) -> money.Tax:
    taxes = row.get("taxes") or []
    if len(taxes) != 1:
        name = _name_and_description(str(row.get("description") or ""))[0][:60]
        raise EInvoiceError(
            gettext_noop(
                "Line %(index)s (“%(name)s”) has %(count)s taxes, and EN 16931 needs exactly one "
                "VAT category per line: give every line one tax rate (a 0 %% rate of category E, "
                "O, Z… for lines without VAT)."
            ),
            index=index,
            name=name,
            count=len(taxes),
        )
    return money.Tax(taxes[0]["name"], Decimal(taxes[0]["rate"]))


# -- Lines and allowances --------------------------------------------------------------------------


def _name_and_description(text: str) -> tuple[str, str]:
    """BT-153 is the description's first line, BT-154 the rest."""
    first, _newline, rest = text.strip().partition("\n")
    return first.strip(), rest.strip()


def _line(index: int, row: Mapping[str, Any], figures: money.LineAmount, vat: VatCategory) -> Line:
    name, description = _name_and_description(str(row.get("description") or ""))
    entered = row.get("adjustments") or []
    adjustments = [_discount(False, figures.discount)] if figures.discount else []
    for charge, amounts in ((False, figures.allowances), (True, figures.charges)):
        same_kind = [entry for entry in entered if bool(entry.get("charge")) == charge]
        adjustments.extend(
            _entered(charge, amount, entry) for amount, entry in _described(amounts, same_kind)
        )
    return Line(
        id=str(index),
        name=name,
        description=description,
        quantity=Decimal(row["quantity"]),
        unit_code=unit_code(str(row.get("unit") or ""), str(row.get("unit_code") or "")),
        net_amount=figures.amount,
        net_price=Decimal(row["unit_price"]),
        base_quantity=Decimal(row.get("base_quantity") or 1),
        vat=vat,
        adjustments=tuple(adjustments),
    )


def _described(
    amounts: Sequence[Decimal], entries: Sequence[Mapping[str, Any]]
) -> Iterator[tuple[Decimal, Mapping[str, Any]]]:
    """Each computed amount with the entry it came from (the engine keeps their order)."""
    for position, amount in enumerate(amounts):
        yield amount, entries[position] if position < len(entries) else {}


def _discount(charge: bool, amount: Decimal, vat: VatCategory | None = None) -> Adjustment:
    reason, code = DISCOUNT
    return Adjustment(charge=charge, amount=amount, reason=str(reason), reason_code=code, vat=vat)


def _entered(
    charge: bool, amount: Decimal, entry: Mapping[str, Any], vat: VatCategory | None = None
) -> Adjustment:
    """An allowance or charge with its entered reason (BR-33/BR-38 want a reason or its code)."""
    reason = str(entry.get("reason") or "").strip()
    code = str(entry.get("reason_code") or "").strip()
    if not (reason or code):
        reason = (
            pgettext("adjustment reason", "Charge")
            if charge
            else pgettext("adjustment reason", "Allowance")
        )
    return Adjustment(charge=charge, amount=amount, reason=reason, reason_code=code, vat=vat)


def _document_adjustments(
    totals: money.Totals,
    entered: Sequence[Mapping[str, Any]],
    categories: Mapping[money.Tax, VatCategory],
    *,
    rounding: bool,
) -> Iterator[Adjustment]:
    """One BG-20/BG-21 per VAT category share of each document allowance or charge.

    A credit note's are its share of the invoice's (their reasons listed in its snapshot by the
    credit service) and its lines' rounding against that share (money rule 8)."""
    for position, adjustment in enumerate(totals.adjustments):
        entry = entered[position] if position < len(entered) else {}
        if rounding and not entry:
            entry = {"reason": LINE_ROUNDING_REASON}
        for taxes, share in adjustment.shares:
            yield _entered(adjustment.charge, share, entry, _vat(categories, taxes[0]))


def _deductions(
    totals: money.Totals,
    deducted: Sequence[Mapping[str, Any]],
    categories: Mapping[money.Tax, VatCategory],
) -> Iterator[Adjustment]:
    """A final invoice's deposit invoices (money rule 13): one BG-20 per VAT rate of each, its
    amount the deposit's base at that rate, its reason naming the deposit invoice."""
    for position, deduction in enumerate(totals.deductions):
        entry = deducted[position] if position < len(deducted) else {}
        reason = f"Deposit invoice {entry.get('number', '')} of {entry.get('issue_date', '')}"
        for row in deduction.taxes:
            if row.base:
                vat = _vat(categories, money.Tax(row.name, row.rate))
                yield Adjustment(charge=False, amount=row.base, reason=reason, vat=vat)
