"""What happens to an invoice after it is written: issue, send, payments, credit notes, delete."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import services
from invoicetron.billing.forms.invoices import (
    CreditLineFormSet,
    CreditNoteForm,
    IssueForm,
    PaymentForm,
)
from invoicetron.billing.language import shown_amount
from invoicetron.billing.models import Invoice, Payment
from invoicetron.billing.views.invoices import get_invoice, invoice_context
from invoicetron.web.errors import place_errors
from invoicetron.web.permissions import member_required


def _invoice_page(request: HttpRequest, invoice: Invoice, **forms: Any) -> HttpResponse:
    invoice.refresh_from_db()
    context = invoice_context(request, invoice, **forms)
    return render(request, "billing/invoices/detail.html", context, status=400)


@require_POST
@member_required
def issue(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice(pk)
    form = IssueForm(request.POST)
    if form.is_valid():
        try:
            issued = services.issue_invoice(
                invoice,
                by=acting_user(request),
                issue_date=form.cleaned_data["issue_date"],
                exchange_rate=form.cleaned_data["exchange_rate"] or None,
            )
        except ValidationError as error:
            return _invoice_page(
                request, invoice, issue_form=form, errors=place_errors(error, form)
            )
        messages.success(request, _("Invoice %(number)s is issued.") % {"number": issued.number})
        return redirect("billing:invoice", pk=pk)
    return _invoice_page(request, invoice, issue_form=form)


@require_POST
@member_required
def mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice(pk)
    try:
        services.mark_sent(invoice, by=acting_user(request))
    except ValidationError as error:
        return _invoice_page(request, invoice, errors=place_errors(error))
    messages.success(request, _("Marked as sent."))
    return redirect("billing:invoice", pk=pk)


@require_POST
@member_required
def record_payment(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice(pk)
    form = PaymentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.record_payment(
                invoice,
                by=acting_user(request),
                amount=data["amount"],
                date=data["date"],
                method=data["method"],
                reference=data["reference"],
                keep_excess_as_credit=data["keep_excess_as_credit"],
            )
        except ValidationError as error:
            errors = place_errors(error, form)
            return _invoice_page(request, invoice, payment_form=form, errors=errors)
        shown = shown_amount(payment.amount, invoice.currency)
        messages.success(request, _("Payment of %(amount)s recorded.") % {"amount": shown})
        return redirect("billing:invoice", pk=pk)
    return _invoice_page(request, invoice, payment_form=form)


@member_required
def delete_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks (showing the payment and its invoice); POST deletes."""
    payment = get_object_or_404(Payment.objects.select_related("invoice__client"), pk=pk)
    if request.method != "POST":
        context = {"payment": payment, "invoice": payment.invoice}
        return render(request, "billing/invoices/delete_payment.html", context)
    try:
        services.delete_payment(payment, by=acting_user(request))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Payment deleted; the audit trail keeps its values."))
    return redirect("billing:invoice", pk=payment.invoice_id)


@member_required
def delete_draft(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice(pk)
    if not invoice.is_draft:
        messages.error(
            request, _("An issued invoice cannot be deleted; issue a credit note instead.")
        )
        return redirect("billing:invoice", pk=pk)
    if request.method == "POST":
        services.delete_draft(invoice, by=acting_user(request))
        messages.success(request, _("Draft deleted."))
        return redirect("billing:invoices")
    return render(request, "billing/invoices/delete.html", {"invoice": invoice})


def _credit_rows(invoice: Invoice) -> list[dict[str, Any]]:
    remaining = services.remaining_quantities(invoice)
    return [
        {
            "id": row["id"],
            "description": row["description"],
            "unit": row["unit"],
            "quantity": Decimal(row["quantity"]),
            "remaining": remaining.get(row["id"], Decimal(0)),
        }
        for row in (invoice.snapshot or {}).get("lines", [])
    ]


@member_required
def credit_note(request: HttpRequest, pk: int) -> HttpResponse:
    """Credit the whole invoice, or chosen lines and quantities."""
    invoice = get_invoice(pk)
    # The same rule as the invoice page's button and the service (Invoice.credit_refusal).
    refusal = invoice.credit_refusal()
    if refusal:
        messages.error(request, refusal)
        return redirect("billing:invoice", pk=pk)
    rows = _credit_rows(invoice)
    initial = [{"line_id": row["id"], "quantity": ""} for row in rows]
    form = CreditNoteForm(request.POST or None)
    lines = CreditLineFormSet(request.POST or None, initial=initial, prefix="lines")
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        chosen = [f for f in lines.forms if (f.cleaned_data.get("quantity") or "").strip()]
        credit = (
            None
            if form.cleaned_data["scope"] == "all"
            else [
                services.CreditLine(f.cleaned_data["line_id"], f.cleaned_data["quantity"])
                for f in chosen
            ]
        )
        try:
            note = services.create_credit_note(
                invoice, by=acting_user(request), lines=credit, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            errors = place_errors(error, form, line_forms=chosen)
        else:
            messages.success(
                request, _("Credit note %(number)s is issued.") % {"number": note.number}
            )
            return redirect("billing:invoice", pk=pk)
    if len(lines.forms) != len(rows):  # posted without one row per line: show the lines again
        lines = CreditLineFormSet(initial=initial, prefix="lines")
    context = {
        "invoice": invoice,
        "form": form,
        "lines": lines,
        "rows": zip(rows, lines.forms, strict=True),
        "errors": errors,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/invoices/credit_note.html", context, status=status)


@require_POST
@member_required
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft copied from this invoice (any state), opened for editing."""
    invoice = get_invoice(pk)
    try:
        copy = services.duplicate_invoice(invoice, by=acting_user(request))
    except ValidationError as error:
        for message in place_errors(error):
            messages.error(request, str(message))
        return redirect("billing:invoice", pk=pk)
    messages.success(request, _("This is a copy of the invoice: check it, then save the draft."))
    return redirect("billing:invoice_edit", pk=copy.pk)
