"""The list of every credit note (each one is issued from its invoice's page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from invoicetron.billing.caching import change_marker, count_of_filters
from invoicetron.billing.forms.invoices import CreditNoteFilterForm
from invoicetron.billing.models import Client, CreditNote
from invoicetron.web.lists import paginate
from invoicetron.web.permissions import member_required

LIST_FIELDS = (
    "id",
    "number",
    "issue_date",
    "currency",
    "total",
    "invoice__id",
    "invoice__number",
    "invoice__status",  # Invoice.from_db reads it: deferred, it would cost a query a row
    "invoice__client__id",
    "invoice__client__name",
)


def filtered_credit_notes(data: dict[str, Any]) -> tuple[QuerySet[CreditNote], Client | None]:
    """The credit notes matching the list's filters (one query with their invoice and client)."""
    notes = CreditNote.objects.select_related("invoice__client").only(*LIST_FIELDS)
    if data.get("q"):
        notes = notes.search(data["q"])
    if data.get("date_from"):
        notes = notes.filter(issue_date__gte=data["date_from"])
    if data.get("date_to"):
        notes = notes.filter(issue_date__lte=data["date_to"])
    client = None
    if data.get("client"):
        client = Client.objects.filter(pk=data["client"]).only("id", "name").first()
        notes = notes.filter(invoice__client_id=data["client"])
    return notes, client


@member_required
def credit_note_list(request: HttpRequest) -> HttpResponse:
    # One read of the change marker serves the count and the kept rows (the template's
    # {% cache %} block: the rows' query runs only when they are rendered), as the invoice list.
    marker = change_marker()
    form = CreditNoteFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    notes, client = filtered_credit_notes(filters)
    count = count_of_filters("credit-note-list", marker, sorted(filters.items()))
    page = paginate(request, notes, count=count)
    context = {"form": form, "page": page, "client": client, "marker": marker}
    return render(request, "billing/credit_notes/list.html", context)
