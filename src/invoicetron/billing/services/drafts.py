"""Draft invoices: create, change, delete; and the figures of any invoice."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.billing import money
from invoicetron.billing.adjustments import checked_document_adjustments, document_adjustments
from invoicetron.billing.lines import (
    LineData,
    checked_discount,
    document_lines,
    lines_for_audit,
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
    ImmutableDocument,
    Invoice,
    InvoiceKind,
    NumberSeries,
    document_currency,
)
from invoicetron.billing.services.audit import changed_values, field_values, record
from invoicetron.billing.services.deducting import money_deductions
from invoicetron.billing.services.numbering import default_series
from invoicetron.billing.validation import checked_currency

ZERO = Decimal(0)
DRAFT_FIELDS = (
    "client",
    "currency",
    "series",
    "issue_date",
    "due_date",
    "prices_include_tax",
    "discount_type",
    "discount_value",
    "notes",
    "terms",
    "buyer_reference",
    "order_reference",
    "adjustments",
)
REFERENCE_FIELDS = ("buyer_reference", "order_reference")
MAX_REFERENCE = 200


def _validate_header(values: dict[str, Any]) -> dict[str, Any]:
    values["currency"] = checked_currency(values["currency"])
    values["discount_value"] = checked_discount(
        values["discount_type"], values["discount_value"], values["currency"]
    )
    client = values["client"]
    if client.archived and values.get("_new"):
        raise ValidationError({"client": _("This client is archived; restore it first.")})
    issue, due = values.get("issue_date"), values.get("due_date")
    if issue and due and due < issue:
        raise ValidationError({"due_date": _("The due date cannot be before the issue date.")})
    if values["series"].kind != DocumentKind.INVOICE:
        raise ValidationError({"series": _("Choose an invoice number series.")})
    for name in REFERENCE_FIELDS:
        values[name] = (values.get(name) or "").strip()
        if len(values[name]) > MAX_REFERENCE:
            raise ValidationError(
                {name: _("At most %(count)s characters.") % {"count": MAX_REFERENCE}}
            )
    return values


def _validate_adjustments(values: dict[str, Any], lines: Sequence[LineData]) -> None:
    """The document's allowances and charges, checked against its (checked) lines."""
    values["adjustments"] = checked_document_adjustments(
        values.get("adjustments") or [], values["currency"], [line.taxes for line in lines]
    )


# -- Figures -------------------------------------------------------------------------------------


def document_discount(invoice: Invoice) -> money.Discount:
    return money.Discount(money.DiscountKind(invoice.discount_type), invoice.discount_value)


def invoice_totals(invoice: Invoice) -> money.Totals:
    """An issued invoice's frozen figures, or a draft's figures computed now."""
    if not invoice.is_draft and invoice.snapshot:
        return money.totals_from_json(invoice.snapshot["totals"])
    lines = invoice.lines.prefetch_related("taxes")
    return compute_draft_totals(invoice, [money_line(line) for line in lines])


def compute_draft_totals(invoice: Invoice, lines: Sequence[money.Line]) -> money.Totals:
    """A draft's figures: its lines, document discount, allowances and charges, less the deposit
    invoices it deducts when it is a final invoice (money rules)."""
    totals = _work_totals(invoice, lines)
    deductions = money_deductions(invoice)
    if not deductions:
        return totals
    try:
        return money.deduct(totals, deductions)
    except money.MoneyError as error:
        raise ValidationError({"deposits": str(error)}) from error


def _work_totals(invoice: Invoice, lines: Sequence[money.Line]) -> money.Totals:
    options: dict[str, Any] = {
        "prices_include_tax": invoice.prices_include_tax,
        "discount": document_discount(invoice),
    }
    adjustments = document_adjustments(invoice.adjustments or [], lines)
    try:
        totals = money.compute_totals(lines, invoice.currency, **options)
    except money.MoneyError as error:
        raise ValidationError({"discount_value": str(error)}) from error
    if not adjustments:
        return totals
    try:
        totals = money.compute_totals(lines, invoice.currency, **options, adjustments=adjustments)
    except money.MoneyError as error:
        raise ValidationError(
            {"adjustments": _("Allowances and charges: %(error)s") % {"error": error}}
        ) from error
    if totals.net_total < 0 or any(row.base < 0 for row in totals.taxes):
        raise ValidationError(
            {
                "adjustments": _(
                    "The allowances are larger than the lines they apply to: lower "
                    "them, or issue a credit note instead."
                )
            }
        )
    return totals


# -- Services ------------------------------------------------------------------------------------


def _store_figures(invoice: Invoice, totals: money.Totals) -> None:
    invoice.net_total = totals.net_total
    invoice.tax_total = totals.tax_total
    invoice.total = totals.total
    invoice.balance_due = totals.total


def refresh_figures(draft: Invoice) -> None:
    """Store a draft's figures again after what they depend on changed outside it (a deposit it
    deducts was linked or issued); lists read the stored figures."""
    lines = [money_line(x) for x in draft.lines.prefetch_related("taxes")]
    _store_figures(draft, compute_draft_totals(draft, lines))
    draft.save(update_fields=["net_total", "tax_total", "total", "balance_due", "updated_at"])


@transaction.atomic
def create_draft(
    *,
    client: Client,
    by: User | None,
    lines: Sequence[LineData] = (),
    currency: str | None = None,
    series: NumberSeries | None = None,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    prices_include_tax: bool = False,
    discount_type: str = DiscountType.PERCENT,
    discount_value: Decimal | str | int = ZERO,
    notes: str = "",
    terms: str = "",
    buyer_reference: str | None = None,
    order_reference: str = "",
    adjustments: Sequence[Mapping[str, Any]] = (),
    kind: str = InvoiceKind.STANDARD,
) -> Invoice:
    """A new draft. Currency defaults to the client's, then the business's base currency; the
    buyer reference (BT-10) to the client's. `adjustments`: document allowances and charges,
    entries as `billing.adjustments` checks them. `kind`: a deposit invoice's is "deposit"
    (`billing.services.deposits` makes them)."""
    profile = BusinessProfile.load()
    values = _validate_header(
        {
            "_new": True,
            "client": client,
            "currency": document_currency(client, currency, profile=profile),
            "series": series or default_series(DocumentKind.INVOICE),
            "issue_date": issue_date,
            "due_date": due_date,
            "prices_include_tax": prices_include_tax,
            "discount_type": discount_type,
            "discount_value": discount_value,
            "notes": notes,
            "terms": terms,
            "buyer_reference": client.buyer_reference
            if buyer_reference is None
            else buyer_reference,
            "order_reference": order_reference,
            "adjustments": list(adjustments),
        }
    )
    values.pop("_new")
    cleaned = validate_lines(lines, values["currency"])
    _validate_adjustments(values, cleaned)
    invoice = Invoice(**values, kind=InvoiceKind(kind), created_by=by)
    _store_figures(invoice, compute_draft_totals(invoice, [money_line(x) for x in cleaned]))
    invoice.save()
    write_lines(invoice, cleaned)
    new = field_values(invoice, skip=("snapshot",)) | {"lines": lines_for_audit(cleaned)}
    record(AuditAction.CREATE, invoice, by=by, new=new, invoice_id=invoice.pk)
    return invoice


AUDIT_SKIP = ("snapshot", "updated_at")


@transaction.atomic
def update_draft(
    invoice: Invoice, *, by: User | None, lines: Sequence[LineData] | None = None, **changes: Any
) -> Invoice:
    """Change a draft's header fields (any of DRAFT_FIELDS) and, when given, replace its lines."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not locked.is_draft:
        raise ImmutableDocument(
            _("This invoice is issued and cannot be edited; issue a credit note instead."),
            code="immutable",
        )
    unknown = set(changes) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"update_draft() got unknown fields: {', '.join(sorted(unknown))}")
    old_lines = document_lines(locked)
    # The save time is the event's own; recording it made every save look like a change.
    old = field_values(locked, skip=AUDIT_SKIP) | {"lines": lines_for_audit(old_lines)}
    values = _validate_header({name: getattr(locked, name) for name in DRAFT_FIELDS} | changes)
    cleaned = validate_lines(old_lines if lines is None else lines, values["currency"])
    _validate_adjustments(values, cleaned)
    for name, value in values.items():
        setattr(locked, name, value)
    _store_figures(locked, compute_draft_totals(locked, [money_line(x) for x in cleaned]))
    locked.save()
    if lines is not None:
        write_lines(locked, cleaned)
    new = field_values(locked, skip=AUDIT_SKIP) | {"lines": lines_for_audit(cleaned)}
    old_changed, new_changed = changed_values(old, new)
    if new_changed:
        record(
            AuditAction.CHANGE,
            locked,
            by=by,
            old=old_changed,
            new=new_changed,
            invoice_id=locked.pk,
        )
    return locked


def draft_lines(invoice: Invoice) -> list[LineData]:
    """A draft's lines as LineData (e.g. to prefill a form or duplicate an invoice)."""
    return document_lines(invoice)


@transaction.atomic
def duplicate_invoice(invoice: Invoice, *, by: User | None) -> Invoice:
    """A new draft like `invoice` (any state): client, currency, series, lines, taxes, discounts,
    allowances and charges, references, notes and terms. The copy has no number and no dates:
    they are set when it is issued."""
    return create_draft(
        client=invoice.client,
        by=by,
        lines=draft_lines(invoice),
        currency=invoice.currency,
        series=invoice.series,
        prices_include_tax=invoice.prices_include_tax,
        discount_type=invoice.discount_type,
        discount_value=invoice.discount_value,
        notes=invoice.notes,
        terms=invoice.terms,
        buyer_reference=invoice.buyer_reference,
        order_reference=invoice.order_reference,
        adjustments=invoice.adjustments,
    )


@transaction.atomic
def delete_draft(invoice: Invoice, *, by: User | None) -> None:
    """Delete a draft. Issued invoices are never deleted (and drafts burn no number)."""
    locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not locked.is_draft:
        raise ImmutableDocument(
            _("An issued invoice cannot be deleted; issue a credit note instead."),
            code="immutable",
        )
    old = field_values(locked, skip=("snapshot",))
    old["lines"] = lines_for_audit(document_lines(locked))
    record(AuditAction.DELETE, locked, by=by, old=old, invoice_id=locked.pk)
    locked.delete()
