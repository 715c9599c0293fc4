"""Sending documents by email, retrying a failed email, and a document's public links."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from invoicetron.accounts.acting import acting_user
from invoicetron.billing import documents
from invoicetron.einvoicing.files import email_refusal
from invoicetron.messaging.forms import SendForm
from invoicetron.messaging.models import Delivery
from invoicetron.messaging.panel import (
    NEW_LINK_ATTR,
    SUBMITTED_ATTR,
    contact_choices,
    load_document,
    page_of,
)
from invoicetron.messaging.services import queue_email, retry_delivery
from invoicetron.portal.models import PublicLink
from invoicetron.portal.services import create_link, revoke_link
from invoicetron.web.errors import place_errors
from invoicetron.web.permissions import member_required


def _document_page(request: HttpRequest, document: models.Model, status: int = 400) -> HttpResponse:
    """The document's own page again: a refused send's errors, or a new link shown once."""
    return documents.for_object(document).render_page(request, document, status)


@require_POST
@member_required
def send(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = load_document(slug, pk)
    form = SendForm(request.POST, choices=contact_choices(document))
    errors: list[str] = []
    if form.is_valid():
        try:
            # Said now rather than when the worker cancels it (see delivery.py).
            if refusal := email_refusal(document):
                raise ValidationError(refusal)
            delivery = queue_email(
                document, by=acting_user(request), recipients=form.cleaned_data["recipients"]
            )
        except ValidationError as error:
            errors = place_errors(error, form)
        else:
            messages.success(
                request,
                _("Email queued to %(recipients)s.")
                % {"recipients": ", ".join(delivery.recipients)},
            )
            return redirect(page_of(document) + "#emails")
    errors = [*form.errors.get("recipients", []), *errors]
    setattr(request, SUBMITTED_ATTR, (request.POST.getlist("recipients"), errors))
    return _document_page(request, document)


@require_POST
@member_required
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=pk)
    document = documents.by_label(delivery.document_type).load(delivery.document_id)
    try:
        retry_delivery(delivery, by=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The email is queued again."))
    return redirect(page_of(document) + "#emails")


@require_POST
@member_required
def new_link(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    document = load_document(slug, pk)
    back = page_of(document)
    try:
        _link, url = create_link(document, by=acting_user(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back + "#links")
    # Shown in this answer only: kept in the session for the next page, the token would sit in
    # the session table, where only hashes may be stored.
    setattr(request, NEW_LINK_ATTR, url)
    messages.success(request, _("Public link created. Copy it now: it is shown only once."))
    response = _document_page(request, document, status=200)
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@member_required
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(PublicLink, pk=pk)
    revoke_link(link, by=acting_user(request))
    document = documents.by_label(link.document_type).load(link.document_id)
    messages.success(
        request, _("The link to %(document)s no longer works.") % {"document": link.document_label}
    )
    return redirect(page_of(document) + "#links")
