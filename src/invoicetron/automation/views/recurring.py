"""Recurring invoices: the list, the schedule form with its lines, its page, pause and resume.

The form's lines are invoice lines: "Add line" and the product picker use billing:line_row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.automation.forms import ScheduleForm, ScheduleLineFormSet
from invoicetron.automation.models import RecurringInvoice
from invoicetron.automation.schedules import ScheduleData, save_schedule, set_active
from invoicetron.billing.formatting import plain
from invoicetron.billing.lines import LineData, TaxOptions, lines_from_json
from invoicetron.billing.services import business_today
from invoicetron.billing.views.drafts import draft_form_page
from invoicetron.web.lists import paginate
from invoicetron.web.permissions import member_required


@member_required
def schedule_list(request: HttpRequest) -> HttpResponse:
    # The id last: a total order, so pages neither repeat nor skip schedules of the same name.
    schedules = RecurringInvoice.objects.select_related("client").order_by("-active", "name", "id")
    context = {"page": paginate(request, schedules), "today": business_today()}
    return render(request, "automation/recurring/list.html", context)


@member_required
def schedule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    schedule = get_object_or_404(RecurringInvoice.objects.select_related("client"), pk=pk)
    runs = schedule.runs.select_related("invoice").order_by("-run_date")
    context = {"schedule": schedule, "runs": paginate(request, runs)}
    return render(request, "automation/recurring/detail.html", context)


def _form_page(
    request: HttpRequest, schedule: RecurringInvoice | None, initial: dict[str, Any]
) -> HttpResponse:
    def save(data: dict[str, Any], lines: list[LineData]) -> RecurringInvoice:
        return save_schedule(schedule, ScheduleData(**data), lines, by=acting_user(request))

    def saved(result: RecurringInvoice) -> HttpResponse:
        messages.success(
            request, _("Recurring invoice “%(name)s” is saved.") % {"name": result.name}
        )
        return redirect("automation:schedule", pk=result.pk)

    used = [pk for row in schedule.lines for pk in row.get("tax_ids", [])] if schedule else []
    return draft_form_page(
        request,
        template="automation/recurring/form.html",
        document={"schedule": schedule},
        form_class=ScheduleForm,
        client_id=schedule.client_id if schedule else None,
        tax_options=TaxOptions.load(also=used),
        initial=initial,
        initial_lines=lambda: lines_from_json(schedule.lines) if schedule else [],
        save=save,
        saved=saved,
        formset_class=ScheduleLineFormSet,
    )


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
    if active:
        done = _("“%(name)s” is resumed: missed dates are invoiced on the next run.")
    else:
        done = _("“%(name)s” is paused.")
    messages.success(request, done % {"name": schedule.name})
    return redirect("automation:schedule", pk=pk)
