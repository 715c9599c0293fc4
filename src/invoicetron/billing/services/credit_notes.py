"""Credit notes: the only way to correct an issued invoice.

A credit note takes whole lines or part of their quantities off an issued invoice. It is a
document of its own: its taxes are its own bases x rates, rounded (EN 16931 BR-CO-17), and its
bases are its share of the invoice's discounted bases, so that all the credit notes of an invoice
add up exactly to its bases (`money.credit_note_totals`, rule 8 in billing/money). The invoice's
document discount, allowances and charges apply to credited lines in the same proportion as on
the invoice (those of one VAT rate with the lines of that rate); the note that credits the rest
takes what remains of each, and its snapshot lists its own (totals "adjustments"). Rounding
each note on its own can leave the notes' taxes a cent or so away from the invoice's; the note
that credits the last quantities closes the invoice whatever that rounding (see settlement.py).
A note larger than what is still due (the invoice was paid) puts the surplus onto the client's
credit (`CreditEntry` of kind credit_note), to apply to another invoice or refund.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import locales, money
from invoicetron.billing.formatting import plain
from invoicetron.billing.lines import snapshot_money_line
from invoicetron.billing.models import (
    AuditAction,
    BusinessProfile,
    CreditEntry,
    CreditKind,
    CreditNote,
    CreditNoteLine,
    DocumentKind,
    Invoice,
    InvoiceLine,
    business_today,
)
from invoicetron.billing.services.audit import record
from invoicetron.billing.services.issuing import business_snapshot
from invoicetron.billing.services.numbering import default_series, take_next_number
from invoicetron.billing.services.payments import lock_client_and_invoice
from invoicetron.billing.services.settlement import settle
from invoicetron.billing.validation import checked_number, merge


@dataclass(frozen=True)
class CreditLine:
    """Credit `quantity` of the invoice line `invoice_line_id`."""

    invoice_line_id: int
    quantity: Decimal | str | int


def remaining_quantities(invoice: Invoice) -> dict[int, Decimal]:
    """Invoice line id → quantity not yet credited."""
    credited = dict(
        CreditNoteLine.objects.filter(credit_note__invoice=invoice)
        .values("invoice_line")
        .annotate(total=Sum("quantity"))
        .values_list("invoice_line", "total")
    )
    lines = invoice.snapshot["lines"] if invoice.snapshot else []
    return {row["id"]: Decimal(row["quantity"]) - credited.get(row["id"], 0) for row in lines}


def _money_lines(invoice: Invoice, quantities: Mapping[int, Decimal]) -> list[money.Line]:
    result = []
    for row in invoice.snapshot["lines"] if invoice.snapshot else []:
        quantity = quantities.get(row["id"], Decimal(0))
        if quantity:
            result.append(snapshot_money_line(row, quantity))
    return result


def _discount_ratio(invoice: Invoice) -> money.Discount:
    totals = (invoice.snapshot or {}).get("totals", {})
    return money.proportional_discount(
        Decimal(totals.get("subtotal", 0)), Decimal(totals.get("discount", 0))
    )


def _adjustment_ratios(invoice: Invoice) -> tuple[money.ProportionalAdjustment, ...]:
    """The invoice's document allowances and charges, to share among its credit notes."""
    snapshot = invoice.snapshot or {}
    applied = money.adjustments_from_json(snapshot.get("totals", {}))
    if not applied:  # invoices issued before allowances and charges, or without any
        return ()
    whole = {row["id"]: Decimal(row["quantity"]) for row in snapshot.get("lines", [])}
    return money.proportional_adjustments(_money_lines(invoice, whole), applied, invoice.currency)


def credit_figures(
    invoice: Invoice, remaining: Mapping[int, Decimal], requested: Mapping[int, Decimal]
) -> money.Totals:
    """The figures of a note crediting `requested` (line id → quantity) of what `remaining` left.

    Works on the invoice's snapshot only, so it also serves the demo data built in memory.
    """
    after = {key: remaining[key] - requested.get(key, Decimal(0)) for key in remaining}
    rows = {row["id"]: row for row in (invoice.snapshot or {}).get("lines", [])}
    return money.credit_note_totals(
        _money_lines(invoice, remaining),
        _money_lines(invoice, after),
        [snapshot_money_line(rows[key], quantity) for key, quantity in requested.items()],
        invoice.currency,
        prices_include_tax=invoice.prices_include_tax,
        discount=_discount_ratio(invoice),
        adjustments=_adjustment_ratios(invoice),
    )


def credit_surplus(invoice: Invoice, totals: money.Totals, final: bool) -> Decimal:
    """What of the note goes onto the client's credit: the part beyond the balance due.

    The note that credits the last quantities may exceed what is left of the invoice by the
    rounding of the notes before it (money rule 8); that part is rounding, not credit.
    """
    credit = totals.total
    if final:
        credit = min(credit, invoice.total - invoice.amount_credited)
    return money.credit_note_surplus(credit, invoice.balance_due)


def _requested(
    invoice: Invoice, lines: Sequence[CreditLine] | None, remaining: Mapping[int, Decimal]
) -> dict[int, Decimal]:
    if lines is None:  # the whole invoice (whatever is not credited yet)
        return {line_id: quantity for line_id, quantity in remaining.items() if quantity > 0}
    requested: dict[int, Decimal] = defaultdict(Decimal)
    errors = []
    for index, line in enumerate(lines):
        field = f"lines-{index}-quantity"
        try:
            quantity = checked_number(line.quantity, field, places=3, label=_("Quantity"))
        except ValidationError as error:
            errors.append(error)
            continue
        if line.invoice_line_id not in remaining:
            errors.append(ValidationError({field: _("This line is not on the invoice.")}))
        elif quantity > remaining[line.invoice_line_id] - requested[line.invoice_line_id]:
            left = plain(remaining[line.invoice_line_id])
            errors.append(
                ValidationError(
                    {field: _("Only %(left)s of this line can still be credited.") % {"left": left}}
                )
            )
        elif quantity > 0:
            requested[line.invoice_line_id] += quantity
    if errors:
        raise merge(errors)
    if not requested:
        raise ValidationError({"lines": _("Choose at least one line and quantity to credit.")})
    return dict(requested)


@transaction.atomic
def create_credit_note(
    invoice: Invoice,
    *,
    by: User | None,
    lines: Sequence[CreditLine] | None = None,
    reason: str = "",
    issue_date: datetime.date | None = None,
) -> CreditNote:
    """Issue a credit note for the whole invoice (lines=None) or for some lines and quantities."""
    # The client row first (see payments.lock_client_and_invoice): a surplus goes onto its credit.
    lock_client_and_invoice(invoice.pk)
    locked = (
        Invoice.objects.select_for_update(of=("self",)).select_related("client").get(pk=invoice.pk)
    )
    refusal = locked.credit_refusal()  # a draft, or nothing owed (see Invoice.credit_refusal)
    if refusal:
        raise ValidationError(refusal)
    remaining = remaining_quantities(locked)
    requested = _requested(locked, lines, remaining)
    line_rows = {row["id"]: row for row in locked.snapshot["lines"]} if locked.snapshot else {}
    totals = credit_figures(locked, remaining, requested)
    final = all(remaining[key] == requested.get(key, 0) for key in remaining)
    surplus = credit_surplus(locked, totals, final)
    profile = BusinessProfile.load()
    date = issue_date or business_today(profile)
    series = default_series(DocumentKind.CREDIT_NOTE)
    number, sequence = take_next_number(series, date)
    note = CreditNote.objects.create(
        series=series,
        number=number,
        sequence=sequence,
        invoice=locked,
        currency=locked.currency,
        issue_date=date,
        reason=reason.strip(),
        snapshot=credit_note_snapshot(
            locked, number, date, reason, requested, line_rows, totals, profile
        ),
        net_total=totals.net_total,
        tax_total=totals.tax_total,
        total=totals.total,
        created_by=by,
    )
    for position, ((key, quantity), figures) in enumerate(
        zip(requested.items(), totals.lines, strict=True), 1
    ):
        CreditNoteLine.objects.create(
            credit_note=note,
            invoice_line=InvoiceLine.objects.get(pk=key),
            position=position,
            description=line_rows[key]["description"],
            quantity=quantity,
            unit_price=Decimal(line_rows[key]["unit_price"]),
            amount=figures.amount,
        )
    if surplus:
        CreditEntry.objects.create(
            client_id=locked.client_id,
            currency=locked.currency,
            amount=surplus,
            kind=CreditKind.CREDIT_NOTE,
            date=date,
            invoice=locked,
            credit_note=note,
            created_by=by,
        )
    old = {"status": locked.status, "balance_due": locked.balance_due}
    settle(locked)
    new = {
        "kept_as_credit": surplus,
        "number": number,
        "total": totals.total,
        "lines": {str(key): str(quantity) for key, quantity in requested.items()},
        "status": locked.status,
        "balance_due": locked.balance_due,
    }
    record(AuditAction.CREDIT, note, by=by, old=old, new=new, invoice_id=locked.pk)
    return note


def credit_note_snapshot(
    invoice: Invoice,
    number: str,
    date: datetime.date,
    reason: str,
    requested: Mapping[int, Decimal],
    line_rows: Mapping[int, Mapping[str, Any]],
    totals: money.Totals,
    profile: BusinessProfile,
) -> dict[str, Any]:
    invoice_snapshot = invoice.snapshot or {}
    # The note speaks the language of the invoice it credits: the client reads them side by side.
    speaks = locales.of_snapshot(invoice_snapshot)
    snapshot: dict[str, Any] = {
        "version": 1,
        "language": speaks.language,
        "locale": speaks.locale,
        "number": number,
        "issue_date": date.isoformat(),
        "reason": reason.strip(),
        "invoice_number": invoice.number,
        "invoice_issue_date": invoice_snapshot.get("issue_date"),
        "currency": invoice.currency,
        "minor_unit": money.minor_unit(invoice.currency),
        "prices_include_tax": invoice.prices_include_tax,
        "business": business_snapshot(profile),
        "client": invoice_snapshot.get("client", {}),
        "lines": [dict(line_rows[key], quantity=str(qty)) for key, qty in requested.items()],
        "totals": money.totals_to_json(totals),
    }
    if totals.adjustments:
        snapshot["adjustments"] = credited_adjustments(
            totals, invoice_snapshot.get("adjustments") or []
        )
    return snapshot


# The reason a credit note gives for its line rounding (money rule 8), which no one entered.
LINE_ROUNDING_REASON = "Rounding of the credited lines"


def credited_adjustments(
    totals: money.Totals, entered: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The reasons of a note's allowances and charges, in the order of its totals' adjustments.

    The invoice's own reasons for its shares of the invoice's (EN 16931 BR-33/BR-38 want one),
    without their percent or amount, which were the invoice's; a reason of our own for the line
    rounding. The e-invoice writers pair these with totals["adjustments"] by position, as they
    pair an invoice's "adjustments" with its totals.
    """
    reasons = []
    for adjustment in totals.adjustments:
        origin = adjustment.origin
        if origin is not None and origin < len(entered):
            entry = entered[origin]
            reason, code = str(entry.get("reason") or ""), str(entry.get("reason_code") or "")
        else:
            reason, code = LINE_ROUNDING_REASON, ""
        reasons.append({"charge": adjustment.charge, "reason": reason, "reason_code": code})
    return reasons
