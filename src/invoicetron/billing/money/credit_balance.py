"""Refunds and client credit: what an invoice has been paid, what a payment or a client's credit
still allows, and where money beyond the balance due goes. Decimal in, Decimal out.

An invoice's figures (`settled_figures`):
- amount paid = payments + client credit applied to it - refunds of its payments - what of its
  payments and credit notes went onto the client's credit (an overpayment kept as credit, a
  credit note larger than what was still due);
- balance due = total - amount paid - credited (credit notes), never below zero.

Each movement is counted once, so money received reconciles to the cent: payments - refunds
(of payments and of credit; the payments report) = Σ amount paid over the invoices + Σ the
clients' credit balances. Credit applied moves money already received from the credit to an
invoice; it is not received again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from invoicetron.billing.money.currency import ZERO


@dataclass(frozen=True)
class SettledFigures:
    amount_paid: Decimal
    balance_due: Decimal


def settled_figures(
    total: Decimal,
    *,
    paid: Decimal,
    refunded: Decimal,
    credit_moved: Decimal,
    credited: Decimal,
) -> SettledFigures:
    """An invoice's paid amount and balance. `credit_moved` is the sum of the invoice's client
    credit entries: positive for what its payments and notes put on the credit, negative for
    credit applied to it."""
    amount_paid = paid - refunded - credit_moved
    return SettledFigures(amount_paid, total - amount_paid - credited)


@dataclass(frozen=True)
class PaymentSplit:
    """A payment received: the part that settles the invoice and the part kept as credit."""

    applied: Decimal
    excess: Decimal


def split_payment(amount: Decimal, balance_due: Decimal) -> PaymentSplit:
    """`amount` against `balance_due`: what settles the invoice, and what is beyond it."""
    applied = min(amount, max(balance_due, ZERO))
    return PaymentSplit(applied, amount - applied)


def refundable(
    payment_amount: Decimal, kept_as_credit: Decimal, refunded: Decimal, invoice_paid: Decimal
) -> Decimal:
    """What can still be refunded of a payment: what of it settled the invoice and has not been
    refunded yet, and never more than the invoice counts as paid (a credit note may have moved
    part of it onto the client's credit already; that part is refunded as credit)."""
    left = payment_amount - kept_as_credit - refunded
    return max(min(left, invoice_paid), ZERO)


def credit_note_surplus(credit: Decimal, balance_due: Decimal) -> Decimal:
    """What of a credit note goes onto the client's credit: the part beyond the balance due."""
    return max(credit - max(balance_due, ZERO), ZERO)


def applicable_credit(balance: Decimal, balance_due: Decimal) -> Decimal:
    """The most credit that can settle an invoice: the credit there is, up to what it owes."""
    return max(min(balance, balance_due), ZERO)


def credit_balance(amounts: Iterable[Decimal]) -> Decimal:
    """A client's credit in one currency: the sum of its ledger's signed amounts."""
    return sum(amounts, ZERO)
