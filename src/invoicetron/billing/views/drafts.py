"""Writing drafts: the header form and its lines (added and removed in place with htmx)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from invoicetron.billing import services
from invoicetron.billing.formatting import plain
from invoicetron.billing.forms.errors import place_errors
from invoicetron.billing.forms.invoices import (
    InvoiceForm,
    LineFormSet,
    TaxOptions,
    kept_line_forms,
    line_initial,
    product_initial,
)
from invoicetron.billing.models import Client, Invoice, Product, document_currency
from invoicetron.billing.permissions import member_required
from invoicetron.billing.views.common import acting_user
from invoicetron.billing.views.invoices import get_invoice

MAX_LINES = 200


def _formset(
    data: Any, tax_options: TaxOptions, initial: list[dict[str, Any]] | None = None
) -> Any:
    return LineFormSet(
        data,
        initial=initial,
        prefix="lines",
        form_kwargs={"tax_options": tax_options, "empty_permitted": False},
    )


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
    }


def _save(request: HttpRequest, invoice: Invoice | None, form: Any, formset: Any) -> Any:
    """The saved invoice, or the messages that belong to no field (the others are placed)."""
    kept = kept_line_forms(formset)
    product_ids = [form.cleaned_data["product"] for form in kept if form.cleaned_data["product"]]
    products = Product.objects.in_bulk(product_ids)
    lines = [line_form.line_data(products) for line_form in kept]
    header = _header(form.cleaned_data, invoice)
    try:
        if invoice is None:
            return services.create_draft(by=acting_user(request), lines=lines, **header)
        return services.update_draft(invoice, by=acting_user(request), lines=lines, **header)
    except ValidationError as error:
        return place_errors(error, form, line_forms=kept)


def _page(request: HttpRequest, invoice: Invoice | None, initial: dict[str, Any]) -> HttpResponse:
    used = list(invoice.lines.values_list("taxes", flat=True)) if invoice else []
    tax_options = TaxOptions.load(also=[pk for pk in used if pk])
    client_id = invoice.client_id if invoice else None
    errors: list[str] = []
    if request.method == "POST":
        form = InvoiceForm(request.POST, current_client_id=client_id)
        formset = _formset(request.POST, tax_options)
        if form.is_valid() and formset.is_valid():
            result = _save(request, invoice, form, formset)
            if isinstance(result, Invoice):
                messages.success(request, "Draft saved.")
                return redirect("billing:invoice", pk=result.pk)
            errors = result
    else:
        form = InvoiceForm(initial=initial, current_client_id=client_id)
        lines = services.draft_lines(invoice) if invoice else []
        formset = _formset(None, tax_options, [line_initial(line) for line in lines] or [{}])
    return render_draft_form(
        request, "billing/invoices/form.html", {"invoice": invoice}, form, formset, errors
    )


def render_draft_form(
    request: HttpRequest,
    template: str,
    document: dict[str, Any],
    form: Any,
    formset: Any,
    errors: list[Any],
) -> HttpResponse:
    """The draft page of an invoice or a quote: one form, its lines, and the product picker."""
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
    return _page(request, None, initial)


@member_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice(pk)
    if not invoice.is_draft:
        messages.error(request, "An issued invoice cannot be edited; issue a credit note instead.")
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
    formset = _formset(None, tax_options)
    form = formset.form(
        prefix=formset.add_prefix(index),
        initial=product_initial(product) if product else None,
        tax_options=tax_options,
    )
    formset.add_fields(form, index)  # the "Remove" box
    context = {"line": form, "total_forms": index + 1}
    return render(request, "billing/invoices/_new_line.html", context)
