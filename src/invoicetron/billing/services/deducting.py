"""The deposit invoices a final invoice deducts, as `money` computes them (rule 13).

Kept apart from `deposits` so that the figures of any draft (`drafts.compute_draft_totals`) can
read them without the services that create deposits.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from invoicetron.billing import money
from invoicetron.billing.models import DepositDeduction, Invoice, InvoiceStatus


def deductions_of(invoice: Invoice) -> list[DepositDeduction]:
    """The deposits linked to `invoice` (a final invoice), in order, each with its deposit."""
    if invoice.pk is None:
        return []
    return list(invoice.deductions.select_related("deposit"))


def money_deductions(invoice: Invoice) -> list[money.Deduction]:
    """What a final invoice deducts: each linked deposit that is issued, as it was issued. A
    deposit still a draft is not deducted (and the final invoice cannot be issued with it)."""
    return [
        deduction_figures(link.deposit)
        for link in deductions_of(invoice)
        if not link.deposit.is_draft and link.deposit.snapshot
    ]


def deduction_figures(deposit: Invoice) -> money.Deduction:
    totals = money.totals_from_json((deposit.snapshot or {})["totals"])
    return money.Deduction(net_total=totals.net_total, taxes=totals.taxes)


def deduction_refusal(deposit: Invoice) -> str | None:
    """Why `deposit` cannot be deducted now (None when it can): only a deposit invoice that is
    issued and paid in full, and not credited, is deducted. An unpaid one would take off VAT the
    business has not been paid, and a credited one would take off what the client no longer owes.
    """
    if not deposit.is_deposit:
        return _("Invoice %(number)s is not a deposit invoice.") % {"number": deposit}
    if deposit.is_draft:
        return _("Deposit invoice %(number)s is a draft: issue it first.") % {"number": deposit}
    if deposit.amount_credited > 0:
        return _("Deposit invoice %(number)s has a credit note and cannot be deducted.") % {
            "number": deposit
        }
    if deposit.status != InvoiceStatus.PAID:
        return _(
            "Deposit invoice %(number)s is not paid yet: record its payment first, or remove it "
            "from this invoice."
        ) % {"number": deposit}
    return None


def settled_deposit_refusal(deposit: Invoice) -> str | None:
    """Why a payment of `deposit` cannot be deleted: an issued final invoice deducts it as paid
    (its VAT is taken off there), so it must stay paid. None when nothing depends on it."""
    if not deposit.is_deposit:
        return None
    link = DepositDeduction.objects.filter(deposit=deposit).select_related("final").first()
    if link is None or link.final.is_draft:
        return None
    return _(
        "Deposit invoice %(number)s is deducted on invoice %(final)s as paid; its payments stay."
    ) % {"number": deposit, "final": link.final}


def deductions_snapshot(invoice: Invoice) -> list[dict[str, Any]]:
    """The deposits a final invoice deducts, as its snapshot keeps them (in the order of its
    totals' `deductions`): number, date and figures, for its PDF, page and e-invoice."""
    rows = []
    for link in deductions_of(invoice):
        deposit = link.deposit
        figures = deduction_figures(deposit)
        rows.append(
            {
                "id": deposit.pk,
                "number": deposit.number,
                "issue_date": deposit.issue_date.isoformat() if deposit.issue_date else None,
                "net_total": str(figures.net_total),
                "tax_total": str(figures.tax_total),
                "total": str(figures.total),
            }
        )
    return rows
