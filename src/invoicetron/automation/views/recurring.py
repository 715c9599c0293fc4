"""Recurring invoices: the list, the schedule form with its lines, its page, pause and resume.

The form's lines are invoice lines: "Add line" and the product picker use billing:line_row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from invoicetron.automation.forms import ScheduleForm, ScheduleLineFormSet
from invoicetron.automation.models import RecurringInvoice
from invoicetron.automation.schedules import ScheduleData, save_schedule, set_active
from invoicetron.billing.formatting import plain
from invoicetron.billing.forms.errors import place_errors
from invoicetron.billing.forms.invoices import TaxOptions, kept_line_forms
from invoicetron.billing.models import Product
from invoicetron.billing.permissions import member_required
from invoicetron.billing.services import business_today
from invoicetron.billing.views.common import acting_user, paginate

MAX_LINES = 200


@member_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    schedules = RecurringInvoice.objects.select_related("client").order_by("-active", "name")
    context = {"page": paginate(request, schedules), "today": business_today()}
    return render(request, "automation/recurring/list.html", context)


@member_required
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(RecurringInvoice.objects.select_related("client"), pk=pk)
    runs = schedule.runs.select_related("invoice").order_by("-run_date")
    context = {"schedule": schedule, "runs": paginate(request, runs)}
    return render(request, "automation/recurring/detail.html", context)


def _formset(
    data: Any, tax_options: TaxOptions, initial: list[dict[str, Any]] | None = None
) -> Any:
    return ScheduleLineFormSet(
        data,
        initial=initial,
        prefix="lines",
        form_kwargs={"tax_options": tax_options, "empty_permitted": False},
    )


def _initial_lines(schedule: RecurringInvoice) -> list[dict[str, Any]]:
    return [
        {
            "description": row["description"],
            "quantity": plain(row["quantity"]),
            "unit": row.get("unit", ""),
            "unit_price": plain(row["unit_price"]),
            "taxes": [str(pk) for pk in row.get("tax_ids", [])],
            "discount_type": row.get("discount_type", "percent"),
            "discount_value": plain(row.get("discount_value", "0")),
            "product": row.get("product_id"),
        }
        for row in schedule.lines
    ]


def _save(request: HttpRequest, schedule: RecurringInvoice | None, form: Any, formset: Any) -> Any:
    kept = kept_line_forms(formset)
    data = ScheduleData(**form.cleaned_data)
    product_ids = [line.cleaned_data["product"] for line in kept if line.cleaned_data["product"]]
    products = Product.objects.in_bulk(product_ids)
    try:
        lines = [line.line_data(products) for line in kept]
        return save_schedule(schedule, data, lines, by=acting_user(request))
    except ValidationError as error:
        return place_errors(error, form, line_forms=kept)


def _form_page(
    request: HttpRequest, schedule: RecurringInvoice | None, initial: dict[str, Any]
) -> HttpResponse:
    used = [pk for row in schedule.lines for pk in row.get("tax_ids", [])] if schedule else []
    tax_options = TaxOptions.load(also=used)
    errors: list[str] = []
    current = schedule.client_id if schedule else None
    if request.method == "POST":
        form = ScheduleForm(request.POST, current_client_id=current)
        formset = _formset(request.POST, tax_options)
        if form.is_valid() and formset.is_valid():
            result = _save(request, schedule, form, formset)
            if isinstance(result, RecurringInvoice):
                messages.success(request, f"Recurring invoice “{result.name}” is saved.")
                return redirect("automation:schedule", pk=result.pk)
            errors = result
    else:
        form = ScheduleForm(initial=initial, current_client_id=current)
        formset = _formset(
            None, tax_options, (_initial_lines(schedule) if schedule else []) or [{}]
        )
    context = {
        "schedule": schedule,
        "form": form,
        "formset": formset,
        "errors": errors + list(formset.non_form_errors()),
        "products": Product.objects.filter(archived=False).only("id", "name")[:MAX_LINES],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "automation/recurring/form.html", context, status=status)


@member_required
def create(request: HttpRequest) -> HttpResponse:
    return _form_page(request, None, {"start_date": business_today()})


@member_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(RecurringInvoice, pk=pk)
    fields = ("name", "client", "currency", "frequency", "start_date", "end_date", "max_count")
    initial = {name: getattr(schedule, name) for name in fields}
    initial |= {"auto_issue": schedule.auto_issue, "auto_send": schedule.auto_send}
    initial |= {"notes": schedule.notes, "client": schedule.client_id}
    initial |= {"exchange_rate": plain(schedule.exchange_rate) if schedule.exchange_rate else ""}
    initial |= {
        "discount_type": schedule.discount_type,
        "discount_value": plain(schedule.discount_value),
    }
    return _form_page(request, schedule, initial)


@require_POST
@member_required
def pause(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    schedule = set_active(
        get_object_or_404(RecurringInvoice, pk=pk), active, by=acting_user(request)
    )
    state = "resumed: missed dates are invoiced on the next run" if active else "paused"
    messages.success(request, f"“{schedule.name}” is {state}.")
    return redirect("automation:schedule", pk=pk)
