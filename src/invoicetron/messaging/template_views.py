"""The owner's email templates: a subject and a body per kind of message, with a preview."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _

from invoicetron.accounts.acting import acting_user
from invoicetron.billing.locales import language_of
from invoicetron.billing.models import BusinessProfile
from invoicetron.messaging.forms import TemplateForm
from invoicetron.messaging.models import EmailTemplate, MessageKind
from invoicetron.messaging.placeholders import PLACEHOLDERS, example_values
from invoicetron.messaging.services import save_template
from invoicetron.messaging.templates import (
    FILTERS,
    default_template,
    render_pair,
    template_for,
)
from invoicetron.web.errors import place_errors
from invoicetron.web.permissions import owner_required

# Template syntax the page shows as examples (code, the same in every language).
EXAMPLES = {
    "tags": ("{% if link %}…{% endif %}", "{% comment %}…{% endcomment %}"),
    "filters": ('{{ due_date|date:"j F Y" }}', "day{{ days|pluralize }}"),
}


@owner_required
def template_list(request: HttpRequest) -> HttpResponse:
    """Every kind of email in every language: the owner's template, or the translated default."""
    edited = {(t.kind, t.language): t for t in EmailTemplate.objects.all()}
    rows = [
        {
            "kind": kind,
            "label": label,
            "language": language,
            "language_name": language_name,
            "subject": (
                edited[kind, language].subject
                if (kind, language) in edited
                else default_template(kind, language)[0]
            ),
            "edited": (kind, language) in edited,
        }
        for kind, label in MessageKind.choices
        for language, language_name in settings.LANGUAGES
    ]
    return render(request, "messaging/settings/templates.html", {"rows": rows})


@owner_required
def template_form(request: HttpRequest, kind: str) -> HttpResponse:
    """GET: the form with a preview; POST: save, or (the Preview button) show it unsaved."""
    if kind not in MessageKind.values:
        raise Http404("Unknown kind of message.")
    # Which language's template (?language=fr); the business's language by default.
    language = request.GET.get("language") or language_of(BusinessProfile.load().locale)
    if language not in dict(settings.LANGUAGES):
        raise Http404("Unknown language.")
    subject, body = template_for(kind, language)
    form = TemplateForm(request.POST or None, kind=kind, initial={"subject": subject, "body": body})
    errors: list[str] = []
    preview_of = (subject, body) if request.method == "GET" else None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview_of = (form.cleaned_data["subject"], form.cleaned_data["body"])
        else:
            try:
                save_template(kind, by=acting_user(request), language=language, **form.cleaned_data)
            except ValidationError as error:
                errors = place_errors(error, form)
            else:
                messages.success(
                    request,
                    _("The %(kind)s email is saved.") % {"kind": MessageKind(kind).label.lower()},
                )
                return redirect("messaging:templates")
    context = {
        "form": form,
        "errors": errors,
        "kind": kind,
        "label": MessageKind(kind).label,
        "language": language,
        "language_name": dict(settings.LANGUAGES)[language],
        "placeholders": PLACEHOLDERS[kind],
        "filters": FILTERS,
        "examples": EXAMPLES,
        "preview": _preview(preview_of, kind, language) if preview_of else None,
    }
    refused = (request.method == "POST" and not form.is_valid()) or bool(errors)
    # The live preview (htmx) swaps only a 200: a refused template shows why in its place.
    live = request.headers.get("HX-Request") == "true" and "preview" in request.POST
    status = 400 if refused and not live else 200
    return render(request, "messaging/settings/template_form.html", context, status=status)


def _preview(template: tuple[str, str], kind: str, language: str) -> tuple[str, str]:
    """The template rendered with example values, in its language (its dates written so)."""
    with translation.override(language):
        return render_pair(*template, example_values(kind, language))
