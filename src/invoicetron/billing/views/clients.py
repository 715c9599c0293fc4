"""Clients and their contacts. A client with documents is archived, never deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import money, services
from invoicetron.billing.caching import Marker, change_marker, key_of, while_unchanged
from invoicetron.billing.forms.parties import ClientForm, ContactFormSet
from invoicetron.billing.forms.refunds import ApplyCreditForm, RefundForm
from invoicetron.billing.models import (
    OPEN_STATUSES,
    Client,
    clients_matching,
    kept_business_today,
)
from invoicetron.web.errors import place_errors
from invoicetron.web.lists import paginate, search_text
from invoicetron.web.permissions import member_required

RECENT_INVOICES = 10
LEDGER_ROWS = 50  # the client page's credit history; the CSV export has it all


@member_required
def client_list(request: HttpRequest) -> HttpResponse:
    search, search_error = search_text(request)
    archived = request.GET.get("archived") == "1"
    clients = Client.objects.filter(archived=archived)
    if search_error:
        clients = clients.none()
    elif search:
        clients = clients_matching(clients, search)
    context = {"page": paginate(request, clients), "q": search, "archived": archived}
    context |= {"search_error": search_error}
    return render(
        request, "billing/clients/list.html", context, status=400 if search_error else 200
    )


@member_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    marker = change_marker()  # before the client: what is kept under it must be as new
    # Kept too (a copy for each request), as the invoice page keeps its invoice.
    client = while_unchanged(
        key_of("client-page", pk), lambda: get_object_or_404(Client, pk=pk), marker
    )
    open_invoices = client.invoices.filter(status__in=OPEN_STATUSES)
    outstanding = open_invoices.values("currency").annotate(due=Sum("balance_due")).order_by()
    # client_id too: the related manager reads it on every row (deferred, one query per row).
    invoices = client.invoices.only(
        "id",
        "client_id",
        "number",
        "status",
        "currency",
        "issue_date",
        "due_date",
        "total",
        "balance_due",
    )[:RECENT_INVOICES]
    # The contacts, the amounts due and the invoices are read only when the template renders
    # them: its `{% cache %}` block keeps them while billing data is unchanged.
    context = {
        "client": client,
        "marker": marker,
        "outstanding": SimpleLazyObject(lambda: [row for row in outstanding if row["due"]]),
        "invoices": invoices,
        "today": kept_business_today(marker),
        "credit": SimpleLazyObject(lambda: credit_rows(client, marker)),
        # Read only when _credit.html's kept history block is not kept.
        "ledger": SimpleLazyObject(lambda: list(services.credit_ledger(client)[:LEDGER_ROWS])),
    }
    return render(request, "billing/clients/detail.html", context)


def credit_rows(client: Client, marker: Marker) -> list[dict[str, Any]]:
    """Per currency with credit: the balance, the invoices it can settle and the two forms.

    The balances are kept while billing data is unchanged: most clients have none, and the
    page would otherwise ask on every request. The forms carry the request's CSRF token, so
    they are built anew."""
    balances = while_unchanged(
        key_of("client-credit", client.pk),
        lambda: [(row.currency, row.balance) for row in services.credit_balances(client)],
        marker,
    )
    rows = []
    for currency, balance in balances:
        targets = services.credit_targets(client, currency)
        rows.append(
            {
                "currency": currency,
                "balance": balance,
                "targets": targets.exists(),
                "apply_form": ApplyCreditForm(invoices=targets, prefix=f"apply-{currency}"),
                "refund_form": RefundForm(
                    initial={
                        "amount": money.round_to_minor_unit(balance, currency),
                        "date": kept_business_today(marker),
                    },
                    prefix=f"refund-{currency}",
                ),
            }
        )
    return rows


def _save(request: HttpRequest, form: ClientForm, contacts: Any) -> Client:
    """Client and contacts in one transaction: any refusal leaves nothing written."""
    by = acting_user(request)
    with transaction.atomic():
        client = services.save_record(form.save(commit=False), by=by)
        contacts.instance = client
        chosen = []
        for contact_form in contacts.forms:
            instance = contact_form.instance
            if contacts.can_delete and contacts._should_delete_form(contact_form):
                if instance.pk:
                    services.delete_contact(instance, by=by)
            elif contact_form.has_changed() or instance.pk:
                contact = contact_form.save(commit=False)
                contact.client = client
                chosen.append((contact_form, contact))
        # The contact ticked as primary is saved last, so that it takes the role over.
        for contact_form, contact in sorted(chosen, key=lambda pair: pair[1].is_primary):
            try:
                services.save_record(contact, by=by)
            except ValidationError as error:
                place_errors(error, contact_form)
                raise
    return client


def _page(request: HttpRequest, client: Client | None) -> HttpResponse:
    form = ClientForm(request.POST or None, instance=client)
    contacts = ContactFormSet(request.POST or None, instance=client, prefix="contacts")
    errors: list[str] = []
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        try:
            saved = _save(request, form, contacts)
        except ValidationError as error:
            errors = place_errors(error, form) if not _placed(contacts) else []
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": saved.name})
            return redirect("billing:client", pk=saved.pk)
    context = {"client": client, "form": form, "contacts": contacts, "errors": errors}
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/clients/form.html", context, status=status)


def _placed(contacts: Any) -> bool:
    return any(contact_form.errors for contact_form in contacts.forms)


@member_required
def create(request: HttpRequest) -> HttpResponse:
    return _page(request, None)


@member_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, get_object_or_404(Client, pk=pk))


@require_POST
@member_required
def archive(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    if services.delete_client(client, by=acting_user(request)):
        messages.success(
            request, _("%(name)s is deleted (it had no documents).") % {"name": client.name}
        )
        return redirect("billing:clients")
    messages.success(
        request, _("%(name)s is archived; its documents stay.") % {"name": client.name}
    )
    return redirect("billing:client", pk=pk)


@require_POST
@member_required
def restore(request: HttpRequest, pk: int) -> HttpResponse:
    client = get_object_or_404(Client, pk=pk)
    client.archived = False
    services.save_record(client, by=acting_user(request))
    messages.success(request, _("%(name)s is active again.") % {"name": client.name})
    return redirect("billing:client", pk=pk)
