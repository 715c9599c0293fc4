"""Quote services; each is atomic and audited like billing's.

- `create_quote(*, client, by, lines=[LineData…], valid_until=None, notes="", terms="",
  currency=None, prices_include_tax=False, discount_type="percent", discount_value=0) -> Quote`
  — a draft; lines and discount validated like an invoice's.
- `send_quote(quote, *, by, email=True) -> Quote` — numbers it (own series), freezes its
  snapshot, marks it sent and (by default) emails it with its PDF.
- `accept_quote(quote, *, by=None, via="") / decline_quote(…)` — the client's decision (from
  a public link, `via="link"`) or one recorded by a user; only a sent, unexpired quote.
- `decision_refusal(quote) -> str | None` — None while the quote can be accepted or declined,
  else why not, in words for the owner and the client ("This quote was accepted on 6 December
  2026."). Every screen that offers a decision asks this, and the decision itself checks it.
- `decided_on(quote) -> date | None` — the day of the decision where the business is.
- `convert_to_invoice(quote, *, by) -> Invoice` — an accepted quote becomes a draft invoice with
  the same lines, linked (`quote.invoice`); once only.
- `request_deposit(quote, *, by, percent=None, amount=None) -> Invoice` — a draft deposit
  invoice for part of a sent or accepted quote (billing.services.deposits), remembered on the
  quote; `convert_to_invoice` ("Create final invoice" once it has deposits) links them to the
  invoice it makes, which deducts them once they are paid.
- `expire_due() -> int` — sent quotes past their validity become expired (periodic work).
- `duplicate_quote(quote, *, by) -> Quote` — a new draft like any quote (no number, no dates).
- `quote_totals(quote) -> money.Totals`; `quote_snapshot(quote)` (a draft's is built, not
  stored); `add_lines(quote, lines)`. Lines are billing's (`billing.lines`): checked, stored,
  computed and shown like an invoice's; `billing.lines.document_lines(quote)` reads them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.lines import (
    LineData,
    checked_discount,
    document_lines,
    money_line,
    validate_lines,
    write_lines,
)
from invoicetron.billing.models import (
    AuditAction,
    BusinessProfile,
    Client,
    DiscountType,
    DocumentKind,
    Invoice,
    document_currency,
)
from invoicetron.billing.services import business_today, create_draft, default_series
from invoicetron.billing.services.audit import record
from invoicetron.billing.services.deposits import (
    DepositSource,
    create_deposit_invoice,
    deduct_deposits,
)
from invoicetron.billing.services.issuing import build_snapshot
from invoicetron.billing.services.numbering import take_next_number
from invoicetron.messaging.services import queue_email
from invoicetron.quotes.models import Quote, QuoteDeposit, QuoteStatus

DEFAULT_VALIDITY_DAYS = 30


@transaction.atomic
def create_quote(
    *,
    client: Client,
    by: User | None,
    lines: Sequence[LineData] = (),
    valid_until: datetime.date | None = None,
    notes: str = "",
    terms: str = "",
    currency: str | None = None,
    prices_include_tax: bool = False,
    discount_type: str = DiscountType.PERCENT,
    discount_value: Decimal | str = "0",
) -> Quote:
    currency = document_currency(client, currency)
    cleaned = validate_lines(lines, currency)
    quote = Quote.objects.create(
        client=client,
        series=default_series(DocumentKind.QUOTE),
        currency=currency,
        valid_until=valid_until,
        prices_include_tax=prices_include_tax,
        discount_type=discount_type,
        discount_value=checked_discount(discount_type, discount_value, currency),
        notes=notes,
        terms=terms,
        created_by=by,
    )
    add_lines(quote, cleaned)
    try:
        quote.total = quote_totals(quote).total
    except money.MoneyError as error:  # a discount larger than the lines: nothing is kept
        raise ValidationError({"discount_value": str(error)}) from error
    quote.save(update_fields=["total"])
    record(AuditAction.CREATE, quote, by=by, new={"client": client.pk, "total": quote.total})
    return quote


def add_lines(quote: Quote, lines: Sequence[LineData]) -> None:
    """Store validated lines on `quote` (replacing any), in order."""
    write_lines(quote, lines, first_position=0)


def quote_totals(quote: Quote) -> money.Totals:
    if quote.snapshot:
        return money.totals_from_json(quote.snapshot["totals"])
    lines = [money_line(line) for line in quote.lines.prefetch_related("taxes")]
    discount = money.Discount(money.DiscountKind(quote.discount_type), quote.discount_value)
    return money.compute_totals(
        lines, quote.currency, prices_include_tax=quote.prices_include_tax, discount=discount
    )


@transaction.atomic
def send_quote(quote: Quote, *, by: User | None, email: bool = True) -> Quote:
    locked = Quote.objects.select_for_update().select_related("client").get(pk=quote.pk)
    if locked.status == QuoteStatus.DRAFT:
        _number(locked)
        locked.status = QuoteStatus.SENT
        locked.save()
        record(
            AuditAction.SEND,
            locked,
            by=by,
            old={"status": QuoteStatus.DRAFT},
            new={"status": locked.status, "number": locked.number, "total": locked.total},
        )
    elif locked.status != QuoteStatus.SENT:
        raise ValidationError(
            _("This quote is %(status)s: it is not sent again.")
            % {"status": locked.get_status_display().lower()},
            code="not_sendable",
        )
    if email:
        queue_email(locked, by=by)
    return locked


def _number(quote: Quote) -> None:
    if not quote.lines.exists():
        raise ValidationError({"lines": _("Add at least one line before sending the quote.")})
    quote.issue_date = business_today()
    quote.valid_until = quote.valid_until or quote.issue_date + datetime.timedelta(
        days=DEFAULT_VALIDITY_DAYS
    )
    quote.number, quote.sequence = take_next_number(quote.series, quote.issue_date)
    quote.snapshot = quote_snapshot(quote)
    quote.total = Decimal(quote.snapshot["totals"]["total"])


def quote_snapshot(quote: Quote) -> dict[str, Any]:
    """What the quote shows: frozen once sent, or built now for a draft (and not stored)."""
    if quote.snapshot:
        return quote.snapshot
    lines = list(quote.lines.prefetch_related("taxes"))
    snapshot: dict[str, Any] = build_snapshot(
        cast(Invoice, quote), cast(Any, lines), quote_totals(quote), BusinessProfile.load()
    )
    snapshot["valid_until"] = quote.valid_until.isoformat() if quote.valid_until else None
    return snapshot


@transaction.atomic
def duplicate_quote(quote: Quote, *, by: User | None) -> Quote:
    """A new draft like `quote` (any state): client, currency, lines, taxes, discounts, notes
    and terms. The copy has no number and no dates: they are set when it is sent."""
    return create_quote(
        client=quote.client,
        by=by,
        lines=document_lines(quote),
        notes=quote.notes,
        terms=quote.terms,
        currency=quote.currency,
        prices_include_tax=quote.prices_include_tax,
        discount_type=quote.discount_type,
        discount_value=quote.discount_value,
    )


def decided_on(quote: Quote) -> datetime.date | None:
    return business_today(at=quote.decided_at) if quote.decided_at else None


def _long_date(day: datetime.date) -> str:
    # As the PDF writes dates, with the month named in the active language.
    return formats.date_format(day, "j F Y")


def decision_refusal(quote: Quote, today: datetime.date | None = None) -> str | None:
    """None while `quote` awaits the client's answer; otherwise why no answer can be given."""
    if quote.status == QuoteStatus.DRAFT:
        return _("Send the quote first.")
    if quote.status in (QuoteStatus.ACCEPTED, QuoteStatus.DECLINED):
        day = decided_on(quote)
        status = quote.get_status_display().lower()
        if day is None:
            return _("This quote was %(status)s.") % {"status": status}
        return _("This quote was %(status)s on %(day)s.") % {
            "status": status,
            "day": _long_date(day),
        }
    # A sent quote past its validity is expired already, before the periodic sweep marks it.
    past = quote.valid_until is not None and quote.valid_until < (today or business_today())
    if quote.status == QuoteStatus.EXPIRED or past:
        if quote.valid_until is None:
            return _("This quote expired.")
        return _("This quote expired: it was valid until %(day)s.") % {
            "day": _long_date(quote.valid_until)
        }
    return None


def _decide(quote: Quote, status: QuoteStatus, *, by: User | None, via: str) -> Quote:
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    refusal = decision_refusal(locked)
    if refusal is not None:
        raise ValidationError(refusal, code="decided")
    locked.status, locked.decided_at = status, timezone.now()
    locked.save(update_fields=["status", "decided_at", "updated_at"])
    record(
        AuditAction.ACCEPT if status == QuoteStatus.ACCEPTED else AuditAction.DECLINE,
        locked,
        by=by,
        old={"status": QuoteStatus.SENT},
        new={"status": status, "via": via or "user"},
    )
    return locked


@transaction.atomic
def accept_quote(quote: Quote, *, by: User | None = None, via: str = "") -> Quote:
    return _decide(quote, QuoteStatus.ACCEPTED, by=by, via=via)


@transaction.atomic
def decline_quote(quote: Quote, *, by: User | None = None, via: str = "") -> Quote:
    return _decide(quote, QuoteStatus.DECLINED, by=by, via=via)


@transaction.atomic
def convert_to_invoice(quote: Quote, *, by: User | None) -> Invoice:
    locked = Quote.objects.select_for_update().get(pk=quote.pk)
    if locked.status != QuoteStatus.ACCEPTED:
        raise ValidationError(_("Only an accepted quote becomes an invoice."), code="not_accepted")
    if locked.invoice_id is not None:
        raise ValidationError(_("This quote already has its invoice."), code="converted")
    lines = document_lines(locked)
    invoice = create_draft(
        client=locked.client,
        by=by,
        lines=lines,
        currency=locked.currency,
        prices_include_tax=locked.prices_include_tax,
        discount_type=locked.discount_type,
        discount_value=locked.discount_value,
        notes=locked.notes,
        terms=locked.terms,
    )
    deposits = [link.invoice for link in locked.deposits.select_related("invoice")]
    if deposits:
        invoice = deduct_deposits(invoice, deposits, by=by)
    locked.invoice = invoice
    locked.save(update_fields=["invoice", "updated_at"])
    record(AuditAction.CONVERT, locked, by=by, new={"invoice": invoice.pk})
    return invoice


def deposit_refusal(quote: Quote) -> str | None:
    """Why no deposit can be asked of `quote` now; None when one can."""
    if quote.status not in (QuoteStatus.SENT, QuoteStatus.ACCEPTED):
        return str(_("Ask a deposit of a sent or accepted quote."))
    if quote.invoice_id is not None:
        return str(_("This quote already has its final invoice."))
    return None


@transaction.atomic
def request_deposit(
    quote: Quote,
    *,
    by: User | None,
    percent: Decimal | str | None = None,
    amount: Decimal | str | None = None,
) -> Invoice:
    """A draft deposit invoice for part of `quote` (percent or amount of its total)."""
    locked = Quote.objects.select_for_update().select_related("client").get(pk=quote.pk)
    refusal = deposit_refusal(locked)
    if refusal:
        raise ValidationError(refusal)
    asked = sum(
        (link.invoice.total for link in locked.deposits.select_related("invoice")), Decimal(0)
    )
    source = DepositSource(
        client=locked.client,
        currency=locked.currency,
        lines=document_lines(locked),
        label=str(_("quote %(number)s") % {"number": locked.number}),
        prices_include_tax=locked.prices_include_tax,
        discount=money.Discount(money.DiscountKind(locked.discount_type), locked.discount_value),
        asked_before=asked,
        terms=locked.terms,
    )
    deposit = create_deposit_invoice(source, by=by, percent=percent, amount=amount)
    QuoteDeposit.objects.create(quote=locked, invoice=deposit)
    record(AuditAction.CHANGE, locked, by=by, new={"deposit_invoice": deposit.pk})
    return deposit


def expire_due(today: datetime.date | None = None) -> int:
    today = today or business_today()
    expired = 0
    for quote in Quote.objects.filter(status=QuoteStatus.SENT, valid_until__lt=today):
        with transaction.atomic():
            updated = Quote.objects.filter(pk=quote.pk, status=QuoteStatus.SENT).update(
                status=QuoteStatus.EXPIRED, updated_at=timezone.now()
            )
            if updated:
                record(AuditAction.EXPIRE, quote, by=None, new={"status": QuoteStatus.EXPIRED})
                expired += 1
    return expired
