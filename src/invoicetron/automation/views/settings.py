"""The owner's automation settings: reminder steps with late fees, and webhook endpoints."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.automation.endpoints import delete_endpoint, retry_webhook, save_endpoint
from invoicetron.automation.forms import EndpointForm, ReminderStepForm
from invoicetron.automation.models import ReminderStep, WebhookDelivery, WebhookEndpoint
from invoicetron.automation.steps import delete_step, save_step
from invoicetron.automation.webhooks import EVENTS
from invoicetron.web.errors import place_errors
from invoicetron.web.lists import paginate
from invoicetron.web.permissions import owner_required

NEW_SECRET_KEY = "automation.new_secret"  # noqa: S105 - the session key holding a new endpoint's secret


@owner_required
def reminders(request: HttpRequest) -> HttpResponse:
    page = paginate(request, ReminderStep.objects.all())
    return render(request, "automation/settings/reminders.html", {"page": page})


@owner_required
def reminder_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    step = get_object_or_404(ReminderStep, pk=pk) if pk else None
    form = ReminderStepForm(request.POST or None, instance=step)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_step(form.save(commit=False), by=acting_user(request))
        except ValidationError as error:
            errors = place_errors(error, form)
        else:
            messages.success(request, _("Reminder “%(step)s” is saved.") % {"step": saved})
            return redirect("automation:reminders")
    context = {"form": form, "errors": errors, "step": step}
    status = 400 if request.method == "POST" else 200
    return render(request, "automation/settings/reminder_form.html", context, status=status)


@require_POST
@owner_required
def reminder_delete(request: HttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(ReminderStep, pk=pk)
    if delete_step(step, by=acting_user(request)):
        messages.success(request, _("Reminder “%(step)s” is deleted.") % {"step": step})
    else:
        messages.warning(
            request,
            _("Reminder “%(step)s” was already used, so it is turned off.") % {"step": step},
        )
    return redirect("automation:reminders")


@owner_required
def webhooks(request: HttpRequest) -> HttpResponse:
    context = {"endpoints": WebhookEndpoint.objects.all()[:100], "events": EVENTS}
    return render(request, "automation/settings/webhooks.html", context)


@owner_required
def webhook_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk) if pk else None
    initial = (
        {"url": endpoint.url, "events": endpoint.events, "active": endpoint.active}
        if endpoint
        else None
    )
    form = EndpointForm(request.POST or None, initial=initial)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_endpoint(endpoint, by=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            errors = place_errors(error, form)
        else:
            if endpoint is None:
                request.session[NEW_SECRET_KEY] = {"endpoint": saved.pk, "secret": saved.secret}
            messages.success(request, _("Webhook endpoint %(url)s is saved.") % {"url": saved.url})
            return redirect("automation:webhook", pk=saved.pk)
    context = {"form": form, "errors": errors, "endpoint": endpoint}
    status = 400 if request.method == "POST" else 200
    return render(request, "automation/settings/webhook_form.html", context, status=status)


@owner_required
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    shown = request.session.get(NEW_SECRET_KEY)
    secret = ""
    if shown and shown.get("endpoint") == endpoint.pk:
        secret = shown["secret"]
        del request.session[NEW_SECRET_KEY]  # shown once
    deliveries = paginate(request, endpoint.deliveries.all())
    context = {"endpoint": endpoint, "secret": secret, "deliveries": deliveries}
    return render(request, "automation/settings/webhook.html", context)


@require_POST
@owner_required
def webhook_delete(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
    delete_endpoint(endpoint, by=acting_user(request))
    messages.success(request, _("Webhook endpoint %(url)s is deleted.") % {"url": endpoint.url})
    return redirect("automation:webhooks")


@require_POST
@owner_required
def webhook_retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery, pk=pk)
    try:
        retry_webhook(delivery, by=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The %(event)s event is queued again.") % {"event": delivery.event}
        )
    return redirect("automation:webhook", pk=delivery.endpoint_id)
