"""Settings → Exchange rates: the table, a rate's form, deleting, importing, the CSV export."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import services
from invoicetron.billing.formatting import plain
from invoicetron.billing.forms.invoices import IssueForm
from invoicetron.billing.forms.rates import ExchangeRateForm, RateFilterForm, RateImportForm
from invoicetron.billing.models import BusinessProfile, ExchangeRate, Invoice
from invoicetron.billing.rate_files import MAX_FILE_BYTES, REFERENCE_CURRENCY
from invoicetron.web.downloads import content_disposition
from invoicetron.web.errors import place_errors
from invoicetron.web.lists import paginate
from invoicetron.web.permissions import owner_required


@owner_required
def rate_list(request: HttpRequest) -> HttpResponse:
    base = BusinessProfile.load().base_currency
    form = RateFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, services.rates_matching(base, **filters))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "base": base, "query": query.urlencode()}
    return render(request, "billing/settings/rates.html", context)


@owner_required
def rate_export(request: HttpRequest) -> StreamingHttpResponse:
    """The table (as filtered on its page) as CSV, read in chunks: a long history never sits in
    memory whole."""
    base = BusinessProfile.load().base_currency
    form = RateFilterForm(request.GET)
    rates = services.rates_matching(base, **(form.cleaned_data if form.is_valid() else {}))

    response = StreamingHttpResponse(
        services.rates_csv(rates), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = content_disposition("exchange-rates.csv")
    return response


@owner_required
def rate_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    rate = get_object_or_404(ExchangeRate, pk=pk) if pk else None
    base = rate.base_currency if rate else BusinessProfile.load().base_currency
    initial = ExchangeRateForm.initial_of(rate) if rate else {}
    form = ExchangeRateForm(request.POST or None, initial=initial, base_currency=base)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        target = rate or ExchangeRate()
        target.currency = form.cleaned_data["currency"]
        target.date = form.cleaned_data["date"]
        target.rate = form.cleaned_data["rate"]
        try:
            saved = services.save_rate(target, by=acting_user(request))
        except ValidationError as error:
            errors = place_errors(error, form)
        else:
            messages.success(request, _("The rate %(rate)s is saved.") % {"rate": saved})
            return redirect("billing:rates")
    context = {
        "form": form,
        "errors": errors,
        "title": _("Exchange rate"),
        "back": "billing:rates",
        "record": rate,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/settings/record_form.html", context, status=status)


@owner_required
def rate_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST deletes. Issued invoices keep the rate they were issued with."""
    rate = get_object_or_404(ExchangeRate, pk=pk)
    if request.method != "POST":
        context = {"record": rate, "label": _("exchange rate"), "back": "billing:rates"}
        return render(request, "billing/settings/delete.html", context)
    services.delete_rate(rate, by=acting_user(request))
    messages.success(request, _("The rate %(rate)s is deleted.") % {"rate": rate})
    return redirect("billing:rates")


@owner_required
def rate_import(request: HttpRequest) -> HttpResponse:
    base = BusinessProfile.load().base_currency
    form = RateImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.import_rates(
                form.cleaned_data["file"], by=acting_user(request), filename=form.filename
            )
        except ValidationError as error:
            problems = place_errors(error, form)
        else:
            for line in import_summary(result):
                messages.success(request, line)
            return redirect("billing:rates")
    context = {
        "form": form,
        "errors": problems,
        "base": base,
        "reference": REFERENCE_CURRENCY,
        "limit_mb": MAX_FILE_BYTES // (1024 * 1024),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "billing/settings/rates_import.html", context, status=status)


def import_summary(result: services.RateImport) -> list[str]:
    """What an import did, in sentences for the owner."""
    lines = [
        _(
            "Imported the rates of %(first)s to %(last)s: %(created)s new, %(updated)s "
            "updated, %(unchanged)s already there."
        )
        % {
            "first": result.first_day,
            "last": result.last_day,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        }
    ]
    if result.kept_manual:
        lines.append(
            ngettext(
                "%(count)s rate you entered by hand was kept.",
                "%(count)s rates you entered by hand were kept.",
                result.kept_manual,
            )
            % {"count": result.kept_manual}
        )
    if result.unknown_columns:
        lines.append(
            _("Left out (no longer a currency): %(codes)s.")
            % {"codes": ", ".join(result.unknown_columns)}
        )
    if result.days_without_base:
        lines.append(
            ngettext(
                "%(count)s day had no rate for your base currency and was left out.",
                "%(count)s days had no rate for your base currency and were left out.",
                result.days_without_base,
            )
            % {"count": result.days_without_base}
        )
    return lines


def new_issue_form(
    invoice: Invoice, today: datetime.date, profile: BusinessProfile
) -> IssueForm | None:
    """A draft's issue form; in another currency, its rate filled in from the rate table (the
    rate on the draft's issue date, else today, or the latest before it), saying where from."""
    if not invoice.is_draft:
        return None
    base = profile.base_currency
    if invoice.currency == base:
        return IssueForm()
    day = invoice.issue_date or today
    table = services.table_rate(invoice.currency, day, base)
    if table is None:
        form = IssueForm()
        form.fields["exchange_rate"].help_text = _(
            "The rate table has no %(currency)s rate on or before %(day)s: enter the rate, or "
            "add it on Settings → Exchange rates."
        ) % {"currency": invoice.currency, "day": day}
        return form
    form = IssueForm(initial={"exchange_rate": plain(table.rate)})
    form.fields["exchange_rate"].help_text = _(
        "From the rate table: 1 %(currency)s = %(rate)s %(base)s on %(day)s."
    ) % {
        "currency": invoice.currency,
        "rate": plain(table.rate),
        "base": base,
        "day": table.date,
    }
    return form
