"""The invoice draft's deposit actions: a deposit invoice for this order, deduct the order's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.billing.forms.deposits import DepositForm
from invoicetron.billing.services.deposits import deduct_order_deposits, deposit_for_draft
from invoicetron.billing.views.invoices import get_invoice, invoice_context
from invoicetron.web.errors import place_errors
from invoicetron.web.permissions import member_required


@require_POST
@member_required
def order_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft deposit invoice for part of this draft (the order); its page opens next."""
    invoice = get_invoice(pk)
    form = DepositForm(request.POST)
    if form.is_valid():
        try:
            deposit = deposit_for_draft(
                invoice,
                by=acting_user(request),
                percent=form.cleaned_data["percent"] or None,
                amount=form.cleaned_data["amount"] or None,
            )
        except ValidationError as error:
            errors = place_errors(error, form)
        else:
            messages.success(
                request, _("Deposit invoice drafted: check it, then issue it and send it.")
            )
            return redirect("billing:invoice", pk=deposit.pk)
    else:
        errors = []
    context = invoice_context(request, invoice, deposit_form=form, errors=errors)
    return render(request, "billing/invoices/detail.html", context, status=400)


@require_POST
@member_required
def deduct_order(request: HttpRequest, pk: int) -> HttpResponse:
    """Deduct the issued deposit invoices naming this draft's order reference."""
    invoice = get_invoice(pk)
    try:
        found = deduct_order_deposits(invoice, by=acting_user(request))
    except ValidationError as error:
        context = invoice_context(request, invoice, errors=place_errors(error))
        return render(request, "billing/invoices/detail.html", context, status=400)
    if found:
        messages.success(
            request, _("%(count)d deposit invoice(s) deducted.") % {"count": len(found)}
        )
    else:
        messages.info(request, _("No deposit invoice of this order is left to deduct."))
    return redirect("billing:invoice", pk=pk)
