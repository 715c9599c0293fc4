"""Issuing an invoice (number, snapshot, freeze) and marking it sent."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import locales, money
from invoicetron.billing.lines import money_line
from invoicetron.billing.models import (
    AuditAction,
    BusinessProfile,
    Client,
    DepositDeduction,
    ExchangeRate,
    ImmutableDocument,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    TaxRate,
    business_today,
)
from invoicetron.billing.services.audit import record
from invoicetron.billing.services.deducting import (
    deduction_refusal,
    deductions_of,
    deductions_snapshot,
)
from invoicetron.billing.services.drafts import compute_draft_totals, refresh_figures
from invoicetron.billing.services.numbering import take_next_number
from invoicetron.billing.validation import checked_number

SNAPSHOT_VERSION = 1


ADDRESS_FIELDS = (
    "street",
    "street_2",
    "city",
    "postcode",
    "subdivision",
    "country",
    "endpoint_scheme",
    "endpoint_id",
    "registration_id",
)


def business_snapshot(profile: BusinessProfile) -> dict[str, Any]:
    """The business as a document shows it; the e-invoice fields (structured address, VAT and
    registration ids, electronic address, payment means) are read back with defaults, because
    snapshots taken before them lack them."""
    return {
        "name": profile.name,
        "address": profile.address,
        **{name: getattr(profile, name) for name in ADDRESS_FIELDS},
        "tax_id": profile.tax_id,
        "payment_means_code": profile.payment_means_code,
        "iban": profile.iban,
        "bic": profile.bic,
        "email": profile.email,
        "phone": profile.phone,
        "website": profile.website,
        "payment_instructions": profile.payment_instructions,
        "invoice_footer": profile.invoice_footer,
        "base_currency": profile.base_currency,
        "locale": profile.locale,
        "show_base_currency_totals": profile.show_base_currency_totals,
    }


def client_snapshot(client: Client) -> dict[str, Any]:
    contact = client.primary_contact
    return {
        "id": client.pk,
        "name": client.name,
        "billing_address": client.billing_address,
        **{name: getattr(client, name) for name in ADDRESS_FIELDS},
        "tax_id": client.tax_id,
        "contact_name": contact.name if contact else "",
        "contact_email": contact.email if contact else "",
    }


def line_snapshot(line: InvoiceLine) -> dict[str, Any]:
    return {
        "id": line.pk,
        "position": line.position,
        "description": line.description,
        "quantity": str(line.quantity),
        "unit": line.unit,
        "unit_code": line.unit_code,
        "unit_price": str(line.unit_price),
        "base_quantity": str(line.base_quantity),
        "adjustments": line.adjustments,
        "discount_type": line.discount_type,
        "discount_value": str(line.discount_value),
        "taxes": [tax_snapshot(tax) for tax in line.taxes.all()],
    }


def tax_snapshot(tax: TaxRate) -> dict[str, Any]:
    """A tax as a line had it: name and rate (the money key), and its EN 16931 category."""
    return {
        "name": tax.name,
        "rate": str(tax.rate),
        "category": tax.category,
        "exemption_reason_code": tax.exemption_reason_code,
        "exemption_reason": tax.exemption_reason,
    }


def build_snapshot(
    invoice: Invoice, lines: list[InvoiceLine], totals: money.Totals, profile: BusinessProfile
) -> dict[str, Any]:
    """Everything an issued invoice shows, frozen: the PDF and pages render from this alone;
    with the language and locale it is written in (the client's now: see billing.locales)."""
    speaks = locales.for_client(invoice.client, profile.locale)
    return {
        "version": SNAPSHOT_VERSION,
        "language": speaks.language,
        "locale": speaks.locale,
        "number": invoice.number,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "currency": invoice.currency,
        "minor_unit": money.minor_unit(invoice.currency),
        "exchange_rate": str(invoice.exchange_rate) if invoice.exchange_rate else None,
        "prices_include_tax": invoice.prices_include_tax,
        "discount_type": invoice.discount_type,
        "discount_value": str(invoice.discount_value),
        "notes": invoice.notes,
        "terms": invoice.terms,
        # Quotes (which share this snapshot) have no e-invoice references or adjustments.
        "buyer_reference": getattr(invoice, "buyer_reference", ""),
        "order_reference": getattr(invoice, "order_reference", ""),
        "adjustments": getattr(invoice, "adjustments", []),
        "kind": getattr(invoice, "kind", InvoiceKind.STANDARD),
        "business": business_snapshot(profile),
        "client": client_snapshot(invoice.client),
        "lines": [line_snapshot(line) for line in lines],
        "totals": money.totals_to_json(totals),
    }


def _exchange_rate(invoice: Invoice, profile: BusinessProfile, given: Any) -> Decimal:
    """The rate given, else the rate table's for the issue date (or the latest before it)."""
    if invoice.currency == profile.base_currency:
        return Decimal(1)
    if given in (None, ""):
        assert invoice.issue_date is not None  # set by issue_invoice before this
        table = ExchangeRate.objects.on_or_before(
            invoice.currency, invoice.issue_date, profile.base_currency
        )
        if table is not None:
            return table.rate
        raise ValidationError(
            {
                "exchange_rate": _(
                    "Enter the exchange rate from %(currency)s to %(base)s on the issue date, "
                    "or add one on Settings → Exchange rates (the rate on the issue date, or "
                    "the latest before it, is then used)."
                )
                % {"currency": invoice.currency, "base": profile.base_currency}
            }
        )
    rate = checked_number(given, "exchange_rate", places=10, label=_("Exchange rate"))
    if rate <= 0:
        raise ValidationError({"exchange_rate": _("The exchange rate must be above zero.")})
    return rate


@transaction.atomic
def issue_invoice(
    invoice: Invoice,
    *,
    by: User | None,
    issue_date: datetime.date | None = None,
    exchange_rate: Decimal | str | None = None,
) -> Invoice:
    """Assign the next number, freeze the snapshot and make the invoice immutable.

    The issue date defaults to the draft's, else today in the business's time zone; the due date
    to the draft's, else issue date + the client's (or business's) payment terms.
    """
    locked = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("client", "series")
        .get(pk=invoice.pk)
    )
    if not locked.is_draft:
        raise ImmutableDocument(
            _("Invoice %(number)s is already issued.") % {"number": locked.number},
            code="immutable",
        )
    lines = list(locked.lines.prefetch_related("taxes"))
    if not lines:
        raise ValidationError({"lines": _("Add at least one line before issuing.")})
    profile = BusinessProfile.load()
    locked.issue_date = issue_date or locked.issue_date or business_today(profile)
    terms = locked.client.payment_terms_days
    if terms is None:
        terms = profile.default_payment_terms_days
    locked.due_date = locked.due_date or locked.issue_date + datetime.timedelta(days=terms)
    if locked.due_date < locked.issue_date:
        raise ValidationError({"due_date": _("The due date cannot be before the issue date.")})
    locked.exchange_rate = _exchange_rate(locked, profile, exchange_rate)
    deductions = deductions_of(locked)
    for link in deductions:
        refusal = deduction_refusal(link.deposit)
        if refusal:
            raise ValidationError({"deposits": refusal})
        if link.deposit.exchange_rate != locked.exchange_rate:
            # Deducted at another rate, the deposit's VAT would not be the VAT it was issued with
            # in the base currency, and the tax report would no longer add up.
            rate = link.deposit.exchange_rate
            raise ValidationError(
                {"exchange_rate": f"Use the rate of deposit invoice {link.deposit}: {rate}."}
            )
    totals = compute_draft_totals(locked, [money_line(line) for line in lines])
    # Taken last, once everything else is known to be valid: a refusal above burns no number.
    locked.number, locked.sequence = take_next_number(locked.series, locked.issue_date)
    locked.snapshot = build_snapshot(locked, lines, totals, profile)
    if deductions:
        locked.snapshot["deductions"] = deductions_snapshot(locked)
    locked.net_total, locked.tax_total, locked.total = (
        totals.net_total,
        totals.tax_total,
        totals.total,
    )
    locked.amount_paid = locked.amount_credited = Decimal(0)
    locked.balance_due = totals.total
    locked.status = InvoiceStatus.ISSUED if totals.total > 0 else InvoiceStatus.PAID
    locked.issued_at = timezone.now()
    locked.issued_by = by
    locked.save()
    if locked.is_deposit:
        _refresh_final_drafts(locked)
    record(
        AuditAction.ISSUE,
        locked,
        by=by,
        old={"status": InvoiceStatus.DRAFT},
        new={
            "status": locked.status,
            "number": locked.number,
            "issue_date": locked.issue_date,
            "due_date": locked.due_date,
            "exchange_rate": locked.exchange_rate,
            "total": locked.total,
        },
        invoice_id=locked.pk,
    )
    return locked


def _refresh_final_drafts(deposit: Invoice) -> None:
    """A final invoice draft deducting `deposit` now deducts it: its stored figures follow."""
    for link in DepositDeduction.objects.filter(deposit=deposit, final__status=InvoiceStatus.DRAFT):
        refresh_figures(link.final)


@transaction.atomic
def mark_sent(invoice: Invoice, *, by: User | None) -> Invoice:
    """Record that the invoice went to the client (by email or otherwise)."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if locked.is_draft:
        raise ValidationError(_("Issue the invoice before sending it."), code="draft")
    old = {"status": locked.status, "sent_at": locked.sent_at}
    locked.sent_at = timezone.now()
    if locked.status == InvoiceStatus.ISSUED:
        locked.status = InvoiceStatus.SENT
    locked.save(update_fields=["status", "sent_at", "updated_at"])
    new = {"status": locked.status, "sent_at": locked.sent_at}
    record(AuditAction.SEND, locked, by=by, old=old, new=new, invoice_id=locked.pk)
    return locked
