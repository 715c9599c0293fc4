"""The owner's email templates: a subject and a body per kind of message."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from invoicetron.billing.forms.errors import place_errors
from invoicetron.billing.permissions import owner_required
from invoicetron.billing.views.common import acting_user
from invoicetron.messaging.forms import PLACEHOLDERS, TemplateForm
from invoicetron.messaging.models import EmailTemplate, MessageKind
from invoicetron.messaging.services import save_template
from invoicetron.messaging.templates import DEFAULTS, template_for


@owner_required
def template_list(request: HttpRequest) -> HttpResponse:
    edited = {t.kind: t for t in EmailTemplate.objects.all()}
    rows = [
        {
            "kind": kind,
            "label": label,
            "subject": edited[kind].subject if kind in edited else DEFAULTS[kind][0],
            "edited": kind in edited,
        }
        for kind, label in MessageKind.choices
    ]
    return render(request, "messaging/settings/templates.html", {"rows": rows})


@owner_required
def template_form(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in MessageKind.values:
        raise Http404("Unknown kind of message.")
    subject, body = template_for(kind)
    form = TemplateForm(request.POST or None, initial={"subject": subject, "body": body})
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            save_template(kind, by=acting_user(request), **form.cleaned_data)
        except ValidationError as error:
            errors = place_errors(error, form)
        else:
            messages.success(request, f"The {MessageKind(kind).label.lower()} email is saved.")
            return redirect("messaging:templates")
    context = {
        "form": form,
        "errors": errors,
        "label": MessageKind(kind).label,
        "placeholders": PLACEHOLDERS[kind],
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "messaging/settings/template_form.html", context, status=status)
