"""Refunds and client credit pages: refund a payment (the invoice page's "Refund"), delete a
refund, and on the client page apply credit to an invoice or refund it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import money, services
from invoicetron.billing.forms.refunds import ApplyCreditForm, RefundForm
from invoicetron.billing.language import shown_amount
from invoicetron.billing.models import Client, CreditEntry, Payment, Refund, business_today
from invoicetron.web.errors import place_errors
from invoicetron.web.permissions import member_required


@member_required
def refund_payment(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the refund form (what is left of the payment as the amount); POST records it."""
    payment = get_object_or_404(Payment.objects.select_related("invoice__client"), pk=pk)
    invoice = payment.invoice
    left = services.refundable_amount(payment)
    errors: list[Any] = []
    if request.method == "POST":
        form = RefundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                refund = services.record_refund(payment, by=acting_user(request), **data)
            except ValidationError as error:
                errors = place_errors(error, form)
            else:
                shown = shown_amount(refund.amount, invoice.currency)
                messages.success(request, _("Refund of %(amount)s recorded.") % {"amount": shown})
                return redirect("billing:invoice", pk=invoice.pk)
    else:
        amount = money.round_to_minor_unit(left, invoice.currency)
        form = RefundForm(initial={"amount": amount, "date": business_today()})
    context = {"payment": payment, "invoice": invoice, "left": left, "form": form}
    status = 400 if form.is_bound else 200
    return render(
        request, "billing/invoices/refund.html", context | {"errors": errors}, status=status
    )


@member_required
def delete_refund(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks (showing the refund); POST deletes."""
    refund = get_object_or_404(Refund.objects.select_related("invoice", "client"), pk=pk)
    back = (
        redirect("billing:invoice", pk=refund.invoice_id)
        if refund.invoice_id
        else redirect("billing:client", pk=refund.client_id)
    )
    if request.method != "POST":
        return render(request, "billing/invoices/delete_refund.html", {"refund": refund})
    try:
        services.delete_refund(refund, by=acting_user(request))
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Refund deleted; the audit trail keeps its values."))
    return back


@require_POST
@member_required
def apply_credit(request: HttpRequest, pk: int, currency: str) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    targets = services.credit_targets(client, currency)
    form = ApplyCreditForm(request.POST, invoices=targets, prefix=f"apply-{currency}")
    if form.is_valid():
        invoice = form.cleaned_data["invoice"]
        try:
            entry = services.apply_credit(
                invoice, by=acting_user(request), amount=form.cleaned_data["amount"] or None
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            shown = shown_amount(-entry.amount, invoice.currency)
            messages.success(
                request,
                _("%(amount)s of credit applied to invoice %(number)s.")
                % {"amount": shown, "number": invoice.number},
            )
            return redirect("billing:invoice", pk=invoice.pk)
    else:
        messages.error(request, " ".join(_flat(form.errors)))
    return redirect("billing:client", pk=pk)


@require_POST
@member_required
def refund_credit(request: HttpRequest, pk: int, currency: str) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    form = RefundForm(request.POST, prefix=f"refund-{currency}")
    if form.is_valid():
        try:
            refund = services.refund_credit(
                client, currency=currency, by=acting_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            shown = shown_amount(refund.amount, refund.currency)
            messages.success(request, _("%(amount)s of credit refunded.") % {"amount": shown})
    else:
        messages.error(request, " ".join(_flat(form.errors)))
    return redirect("billing:client", pk=pk)


@member_required
def remove_applied_credit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks (a link, so that the invoice page's kept fragment holds no CSRF token); POST
    takes the applied credit back."""
    entry = get_object_or_404(CreditEntry.objects.select_related("invoice", "client"), pk=pk)
    if request.method != "POST":
        return render(request, "billing/invoices/remove_credit.html", {"entry": entry})
    try:
        services.remove_applied_credit(entry, by=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Applied credit removed; the invoice owes it again."))
    return redirect("billing:invoice", pk=entry.invoice_id)


def _flat(errors: Any) -> list[str]:
    return [f"{field}: {message}" for field, messages in errors.items() for message in messages]
