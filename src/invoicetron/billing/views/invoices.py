"""The invoice list, the invoice page and the PDFs."""

from __future__ import annotations

import datetime
from operator import attrgetter
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject

from invoicetron.billing import services
from invoicetron.billing.caching import (
    Marker,
    change_marker,
    count_of_filters,
    key_of,
    while_unchanged,
)
from invoicetron.billing.forms.deposits import DepositForm
from invoicetron.billing.forms.invoices import (
    OVERDUE,
    InvoiceFilterForm,
    PaymentForm,
)
from invoicetron.billing.lines import display_rows
from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    CreditNote,
    Invoice,
    kept_business_today,
)
from invoicetron.billing.pdf import render_credit_note_pdf, render_invoice_pdf
from invoicetron.billing.services.deducting import deductions_of
from invoicetron.billing.templatetags.billing import minor
from invoicetron.billing.views.rates import new_issue_form
from invoicetron.web.downloads import content_disposition
from invoicetron.web.lists import PAGE_SIZE, ListPaginator, paginate
from invoicetron.web.permissions import member_required

LIST_FIELDS = (
    "id",
    "number",
    "status",
    "currency",
    "issue_date",
    "due_date",
    "total",
    "balance_due",
    "client__id",
    "client__name",
)


def filtered_invoices(
    data: dict[str, Any], today: datetime.date
) -> tuple[QuerySet[Invoice], Client | None]:
    invoices = Invoice.objects.select_related("client").only(*LIST_FIELDS)
    if data.get("q"):
        invoices = invoices.search(data["q"])
    if data.get("status") == OVERDUE:
        invoices = invoices.overdue(today)
    elif data.get("status"):
        invoices = invoices.filter(status=data["status"])
    if data.get("date_from"):
        invoices = invoices.filter(issue_date__gte=data["date_from"])
    if data.get("date_to"):
        invoices = invoices.filter(issue_date__lte=data["date_to"])
    client = None
    if data.get("client"):
        client = Client.objects.filter(pk=data["client"]).only("id", "name").first()
        invoices = invoices.filter(client_id=data["client"])
    return invoices, client


@member_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    # One read of the change marker serves the time zone, the count and the kept rows
    # (the template's {% cache %} block: the rows' query runs only when they are rendered).
    marker = change_marker()
    form = InvoiceFilterForm(request.GET)
    today = kept_business_today(marker)
    filters = form.cleaned_data if form.is_valid() else {}
    invoices, client = filtered_invoices(filters, today)
    count = count_of_filters("invoice-list", marker, sorted(filters.items()), today)
    paginator = ListPaginator(invoices, PAGE_SIZE, count)
    page = paginator.get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "client": client, "today": today, "marker": marker}
    return render(request, "billing/invoices/list.html", context)


def display_lines(invoice: Invoice, totals: Any) -> list[dict[str, Any]]:
    """The lines as shown: an issued invoice's from its snapshot, a draft's from its rows."""
    snapshot = invoice.snapshot
    if snapshot and not invoice.is_draft:
        return display_rows(snapshot["lines"], totals)
    return display_rows(services.draft_lines(invoice), totals)


def newest_first(rows: QuerySet[Any], *fields: str) -> list[Any]:
    """All of `rows` in their Meta.ordering (`fields`, each descending), sorted here: for the few
    payments or credit notes of an invoice, Django resolving an ORDER BY costs more (about 0.2 ms
    a query) than the sort."""
    return sorted(rows.order_by(), key=attrgetter(*fields), reverse=True)


def invoice_context(
    request: HttpRequest, invoice: Invoice, marker: Marker | None = None, **forms: Any
) -> dict[str, Any]:
    """Everything the invoice page shows; a fixed number of queries however big the data.

    What the page keeps while billing data is unchanged (detail.html's `{% cache %}` blocks) is
    read lazily: a kept block never runs the queries of the payments or the history. `marker`
    must be read before `invoice` was; without it, the page reuses kept blocks but keeps none."""
    if marker is None:
        marker = change_marker()._replace(settled=False)
    today = kept_business_today(marker)
    profile = cast(BusinessProfile, SimpleLazyObject(BusinessProfile.load))
    totals = SimpleLazyObject(lambda: services.invoice_totals(invoice))
    return {
        "invoice": invoice,
        "marker": marker,
        "profile": profile,
        "today": today,
        "totals": totals,
        "lines": SimpleLazyObject(lambda: display_lines(invoice, totals)),
        "payments": SimpleLazyObject(
            lambda: newest_first(invoice.payments.select_related("created_by"), "date", "pk")
        ),
        "refunds": SimpleLazyObject(
            lambda: newest_first(invoice.refunds.select_related("created_by"), "date", "pk")
        ),
        "credit_moves": SimpleLazyObject(
            lambda: newest_first(invoice.credit_entries.all(), "date", "pk")
        ),
        "credit_notes": SimpleLazyObject(
            lambda: newest_first(invoice.credit_notes.all(), "issue_date", "sequence", "pk")
        ),
        "trail": SimpleLazyObject(
            lambda: paginate(
                request, services.events_for_invoice(invoice.pk), "trail", count_full_pages=True
            )
        ),
        # Only the form the page shows: a draft's issue form, or an open invoice's payment form.
        "issue_form": forms.get("issue_form") or new_issue_form(invoice, today, profile),
        "payment_form": forms.get("payment_form") or new_payment_form(invoice, today),
        # The new payment form's fields (the balance due, today) are kept like the blocks; a
        # refused one, with what was typed and its errors, never is.
        "payment_form_seconds": 0 if "payment_form" in forms else marker.seconds,
        "errors": forms.get("errors", []),
        "needs_rate": SimpleLazyObject(lambda: invoice.currency != profile.base_currency),
        "deductions": SimpleLazyObject(lambda: [link.deposit for link in deductions_of(invoice)]),
        "deposit_form": forms.get("deposit_form") or DepositForm(),
    }


def new_payment_form(invoice: Invoice, today: datetime.date) -> PaymentForm | None:
    """The balance due today, or None when the invoice takes no payment (a draft, or paid)."""
    if invoice.is_draft or invoice.balance_due <= 0:
        return None
    return PaymentForm(
        initial={"date": today, "amount": minor(invoice.balance_due, invoice.currency)}
    )


def get_invoice(pk: int) -> Invoice:
    return get_object_or_404(Invoice.objects.select_related("client", "series"), pk=pk)


@member_required
def invoice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Before the invoice: what is kept under it must be as new. With the upper apps' markers
    # (the email panel's), one query for all.
    marker = change_marker(companions=True)
    invoice = kept_invoice(pk, marker)
    context = invoice_context(request, invoice, marker)
    return render(request, "billing/invoices/detail.html", context)


def kept_invoice(pk: int, marker: Marker) -> Invoice:
    """The invoice with its client, as the page shows it, reused while billing data is unchanged.

    Reading it costs about 1 ms of ORM work a request (a select_related get of some thirty
    columns); the cache hands back a copy (it pickles), so a request never sees another's
    changes to it. Without the number series: get_invoice's actions need it, the page does not."""
    return while_unchanged(
        key_of("invoice-page", pk),
        lambda: get_object_or_404(Invoice.objects.select_related("client"), pk=pk),
        marker,
    )


def pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename)
    return response


@member_required
def invoice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    invoice = get_invoice(pk)
    name = invoice.number or f"draft-{invoice.pk}"
    return pdf_response(render_invoice_pdf(invoice), f"{name}.pdf")


@member_required
def credit_note_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    note = get_object_or_404(CreditNote, pk=pk)
    return pdf_response(render_credit_note_pdf(note), f"{note.number}.pdf")
