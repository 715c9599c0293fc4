"""The quote pages: list, draft form (billing's line rows, added with htmx), page, actions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.billing.caching import change_marker, count_of_filters
from invoicetron.billing.formatting import plain
from invoicetron.billing.forms.deposits import DepositForm
from invoicetron.billing.lines import LineData, TaxOptions, display_rows, document_lines
from invoicetron.billing.views.drafts import draft_form_page
from invoicetron.billing.views.invoices import pdf_response
from invoicetron.quotes import services
from invoicetron.quotes.documents import render_quote_pdf
from invoicetron.quotes.editing import save_quote
from invoicetron.quotes.forms import QuoteFilterForm, QuoteForm
from invoicetron.quotes.models import Quote, QuoteStatus
from invoicetron.web.errors import place_errors
from invoicetron.web.lists import paginate
from invoicetron.web.permissions import member_required

LIST_FIELDS = ("id", "number", "status", "currency", "issue_date", "valid_until", "total")


@member_required
def quote_list(request: HttpRequest) -> HttpResponse:
    # Quotes move billing's change marker too (migration 0004): one read of it serves the kept
    # count and the kept rows (the template's {% cache %} block), as on the invoice list.
    marker = change_marker()
    form = QuoteFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    quotes = Quote.objects.select_related("client").only(*LIST_FIELDS, "client__name")
    if data.get("q"):
        quotes = quotes.search(data["q"])
    if data.get("status"):
        quotes = quotes.filter(status=data["status"])
    page = paginate(
        request, quotes, count=count_of_filters("quote-list", marker, sorted(data.items()))
    )
    return render(request, "quotes/list.html", {"form": form, "page": page, "marker": marker})


def get_quote(pk: int) -> Quote:
    return get_object_or_404(Quote.objects.select_related("client", "invoice"), pk=pk)


def quote_page(
    request: HttpRequest,
    quote: Quote,
    *,
    status: int = 200,
    errors: list[str] | None = None,
    deposit_form: DepositForm | None = None,
) -> HttpResponse:
    totals = services.quote_totals(quote)
    lines = quote.snapshot["lines"] if quote.snapshot else document_lines(quote)
    context = {
        "quote": quote,
        "lines": display_rows(lines, totals),
        "totals": totals,
        "errors": errors or [],
        "can_decide": services.decision_refusal(quote) is None,
        "deposits": [link.invoice for link in quote.deposits.select_related("invoice")],
        "can_ask_deposit": services.deposit_refusal(quote) is None,
        "deposit_form": deposit_form or DepositForm(),
    }
    return render(request, "quotes/detail.html", context, status=status)


@member_required
def quote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return quote_page(request, get_quote(pk))


def _form_page(request: HttpRequest, quote: Quote | None, initial: dict[str, Any]) -> HttpResponse:
    used = list(quote.lines.values_list("taxes", flat=True)) if quote else []

    def save(data: dict[str, Any], lines: list[LineData]) -> Quote:
        return save_quote(
            quote,
            by=acting_user(request),
            client=data["client"],
            lines=lines,
            currency=data["currency"],
            valid_until=data["valid_until"],
            prices_include_tax=data["prices_include_tax"],
            discount_type=data["discount_type"],
            discount_value=data["discount_value"],
            notes=data["notes"],
            terms=data["terms"],
        )

    def saved(result: Quote) -> HttpResponse:
        messages.success(request, _("Draft quote saved."))
        return redirect("quotes:detail", pk=result.pk)

    return draft_form_page(
        request,
        template="quotes/form.html",
        document={"quote": quote},
        form_class=QuoteForm,
        client_id=quote.client_id if quote else None,
        tax_options=TaxOptions.load(also=[pk for pk in used if pk]),
        initial=initial,
        initial_lines=lambda: document_lines(quote) if quote else [],
        save=save,
        saved=saved,
    )


@member_required
def create(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    if request.GET.get("client", "").isdigit():
        initial["client"] = int(request.GET["client"])
    return _form_page(request, None, initial)


@member_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    quote = get_quote(pk)
    if quote.status != QuoteStatus.DRAFT:
        messages.error(request, _("A sent quote cannot be edited."))
        return redirect("quotes:detail", pk=pk)
    initial = {
        "client": quote.client_id,
        "currency": quote.currency,
        "valid_until": quote.valid_until,
        "prices_include_tax": quote.prices_include_tax,
        "discount_type": quote.discount_type,
        "discount_value": plain(quote.discount_value),
        "notes": quote.notes,
        "terms": quote.terms,
    }
    return _form_page(request, quote, initial)


@require_POST
@member_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """send (numbers and emails it), mark-sent, accept, decline, convert."""
    quote = get_quote(pk)
    by = acting_user(request)
    try:
        if action in ("send", "mark-sent"):
            quote = services.send_quote(quote, by=by, email=action == "send")
            if action == "send":
                done = _("Quote %(number)s is sent by email.") % {"number": quote.number}
            else:
                done = _("Quote %(number)s is sent.") % {"number": quote.number}
        elif action in ("accept", "decline"):
            decide = services.accept_quote if action == "accept" else services.decline_quote
            quote = decide(quote, by=by, via="user")
            done = _("Quote %(number)s is %(status)s.") % {
                "number": quote.number,
                "status": quote.get_status_display().lower(),
            }
        elif action == "convert":
            invoice = services.convert_to_invoice(quote, by=by)
            messages.success(
                request, _("The quote is now a draft invoice: check it, then issue it.")
            )
            return redirect("billing:invoice", pk=invoice.pk)
        else:
            return redirect("quotes:detail", pk=pk)
    except ValidationError as error:
        return quote_page(request, get_quote(pk), status=400, errors=place_errors(error))
    messages.success(request, done)
    return redirect("quotes:detail", pk=pk)


@require_POST
@member_required
def request_deposit(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Request deposit": a draft deposit invoice for part of the quote; its page opens next."""
    quote = get_quote(pk)
    form = DepositForm(request.POST)
    if not form.is_valid():
        return quote_page(request, quote, status=400, deposit_form=form)
    try:
        deposit = services.request_deposit(
            quote,
            by=acting_user(request),
            percent=form.cleaned_data["percent"] or None,
            amount=form.cleaned_data["amount"] or None,
        )
    except ValidationError as error:
        errors = place_errors(error, form)
        return quote_page(request, quote, status=400, errors=errors, deposit_form=form)
    messages.success(request, _("Deposit invoice drafted: check it, then issue it and send it."))
    return redirect("billing:invoice", pk=deposit.pk)


@member_required
def quote_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The quote as sent, or a draft's PDF marked DRAFT (for a look before sending)."""
    quote = get_quote(pk)
    name = quote.number or f"draft-quote-{quote.pk}"
    return pdf_response(render_quote_pdf(quote), f"{name}.pdf")


@require_POST
@member_required
def duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    """A new draft quote copied from this one (any state), opened for editing."""
    try:
        copy = services.duplicate_quote(get_quote(pk), by=acting_user(request))
    except ValidationError as error:
        for message in place_errors(error):
            messages.error(request, str(message))
        return redirect("quotes:detail", pk=pk)
    messages.success(request, _("This is a copy of the quote: check it, then save the draft."))
    return redirect("quotes:edit", pk=copy.pk)
