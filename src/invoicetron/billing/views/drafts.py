"""Writing drafts: the header form and its lines (added and removed in place with htmx).

`draft_form_page` and `render_draft_form` are the one draft flow of every document with lines:
invoices here, quotes (quotes.views) and recurring schedules (automation.views.recurring).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import services
from invoicetron.billing.formatting import plain
from invoicetron.billing.forms.invoices import InvoiceForm
from invoicetron.billing.lines import (
    MAX_LINES,
    LineData,
    LineFormSet,
    TaxOptions,
    kept_line_forms,
    line_formset,
    line_initial,
    product_initial,
    submitted_lines,
)
from invoicetron.billing.models import Client, Invoice, Product, document_currency
from invoicetron.billing.views.invoices import get_invoice
from invoicetron.web.errors import place_errors
from invoicetron.web.permissions import member_required


def _header(data: dict[str, Any], invoice: Invoice | None) -> dict[str, Any]:
    """The service's keyword arguments from the cleaned header form."""
    client: Client = data["client"]
    currency = data["currency"] or None
    if invoice is not None and currency is None:
        currency = document_currency(client)
    series = data["series"] or (invoice.series if invoice is not None else None)
    return {
        "client": client,
        "currency": currency,
        "series": series,
        "issue_date": data["issue_date"],
        "due_date": data["due_date"],
        "prices_include_tax": data["prices_include_tax"],
        "discount_type": data["discount_type"],
        "discount_value": data["discount_value"] or "0",
        "notes": data["notes"],
        "terms": data["terms"],
        "buyer_reference": data["buyer_reference"].strip() or client.buyer_reference,
        "order_reference": data["order_reference"].strip(),
        "adjustments": data["adjustments"],
    }


def _page(request: HttpRequest, invoice: Invoice | None, initial: dict[str, Any]) -> HttpResponse:
    used = list(invoice.lines.values_list("taxes", flat=True)) if invoice else []

    @transaction.atomic
    def save(data: dict[str, Any], lines: list[LineData]) -> Invoice:
        header, by = _header(data, invoice), acting_user(request)
        if invoice is None:
            return services.create_draft(by=by, lines=lines, **header)
        return services.update_draft(invoice, by=by, lines=lines, **header)

    def saved(result: Invoice) -> HttpResponse:
        messages.success(request, _("Draft saved."))
        return redirect("billing:invoice", pk=result.pk)

    return draft_form_page(
        request,
        template="billing/invoices/form.html",
        document={"invoice": invoice},
        form_class=InvoiceForm,
        client_id=invoice.client_id if invoice else None,
        tax_options=TaxOptions.load(also=[pk for pk in used if pk]),
        initial=initial,
        initial_lines=lambda: services.draft_lines(invoice) if invoice else [],
        save=save,
        saved=saved,
    )


def draft_form_page(
    request: HttpRequest,
    *,
    template: str,
    document: dict[str, Any],
    form_class: type[Any],
    client_id: int | None,
    tax_options: TaxOptions,
    initial: dict[str, Any],
    initial_lines: Callable[[], Sequence[LineData]],
    save: Callable[[dict[str, Any], list[LineData]], Any],
    saved: Callable[[Any], HttpResponse],
    formset_class: type[forms.BaseFormSet] = LineFormSet,
) -> HttpResponse:
    """The draft form of an invoice, a quote or a recurring schedule, one flow for all three.

    GET shows the header form (`form_class`, `initial`) and the line rows (`initial_lines()`, or
    one empty row). POST checks both, then calls `save(cleaned header, lines)` — a service that
    raises ValidationError keyed like the form — and answers `saved(result)`; a refusal shows the
    form again, each error beside its field (the others above the form), with status 400.
    """
    errors: list[Any] = []
    if request.method == "POST":
        form = form_class(request.POST, current_client_id=client_id)
        formset = line_formset(request.POST, tax_options, formset_class=formset_class)
        if form.is_valid() and formset.is_valid():
            kept = kept_line_forms(formset)
            try:
                result = save(form.cleaned_data, submitted_lines(kept))
            except ValidationError as error:
                # A header form holding rows of its own (an invoice's allowances and charges)
                # places their errors first.
                placing = getattr(form, "place_service_errors", None)
                rest = placing(error) if placing is not None else error
                errors = place_errors(rest, form, line_forms=kept) if rest is not None else []
            else:
                return saved(result)
    else:
        form = form_class(initial=initial, current_client_id=client_id)
        rows = [line_initial(line) for line in initial_lines()] or [{}]
        formset = line_formset(None, tax_options, rows, formset_class=formset_class)
    return render_draft_form(request, template, document, form, formset, errors)


def render_draft_form(
    request: HttpRequest,
    template: str,
    document: dict[str, Any],
    form: Any,
    formset: Any,
    errors: list[Any],
) -> HttpResponse:
    """The draft page of an invoice, a quote or a recurring schedule: one form, its lines, and the
    product picker."""
    context = {
        **document,
        "form": form,
        "formset": formset,
        "errors": errors + list(formset.non_form_errors()),
        "products": Product.objects.filter(archived=False).only("id", "name")[:MAX_LINES],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, template, context, status=status)


@member_required
def create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
        client = Client.objects.only("buyer_reference").filter(pk=initial["client"]).first()
        initial["buyer_reference"] = client.buyer_reference if client else ""
    return _page(request, None, initial)


@member_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice(pk)
    if not invoice.is_draft:
        messages.error(
            request, _("An issued invoice cannot be edited; issue a credit note instead.")
        )
        return redirect("billing:invoice", pk=pk)
    initial = {name: getattr(invoice, name) for name in services.DRAFT_FIELDS}
    initial["discount_value"] = plain(invoice.discount_value)
    return _page(request, invoice, initial)


@require_GET
@member_required
def line_row(request: HttpRequest) -> HttpResponse:
    """One more empty (or product-filled) line, and the formset's new form count (htmx)."""
    try:
        index = max(0, min(int(request.GET.get("lines-TOTAL_FORMS", "0")), MAX_LINES - 1))
    except ValueError:
        index = 0
    product_id = request.GET.get("add_product", "")
    product = (
        Product.objects.prefetch_related("default_taxes").filter(pk=product_id).first()
        if product_id.isdigit()
        else None
    )
    tax_options = TaxOptions.load()
    formset = line_formset(None, tax_options)
    form = formset.form(
        prefix=formset.add_prefix(index),
        initial=product_initial(product) if product else None,
        tax_options=tax_options,
    )
    formset.add_fields(form, index)  # the "Remove" box
    context = {"line": form, "total_forms": index + 1}
    return render(request, "billing/invoices/_new_line.html", context)
