"""What a document page shows about email and public links: the send form's recipients and
subject, the delivery log, and the document's links (a new one's address shown once, in the
answer to the request that made it).

Documents are named in URLs by their registered type's slug (billing/documents.py): `invoice`,
`credit-note`, `quote`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext

from invoicetron.accounts.models import User
from invoicetron.billing import documents
from invoicetron.billing.models import BusinessProfile, CreditNote
from invoicetron.messaging.models import Delivery
from invoicetron.messaging.placeholders import document_locale, values_for
from invoicetron.messaging.services import deliveries_for, deliveries_for_invoice, email_contacts
from invoicetron.messaging.templates import render_message
from invoicetron.portal.models import PublicLink
from invoicetron.portal.services import links_for

LOG_SIZE = 20
LINKS_SHOWN = 10
SUBMITTED_ATTR = "mail_submission"
# A new link's address, set on the request whose response shows it: shown once, stored nowhere
# (not in the session either: only the token's hash is ever stored).
NEW_LINK_ATTR = "new_public_link"


def slug_of(document: models.Model) -> str:
    return documents.for_object(document).slug


def load_document(slug: str, pk: int) -> models.Model:
    document_type = documents.by_slug(slug)
    if document_type is None:
        raise Http404("Unknown kind of document.")
    found = document_type.model._default_manager.filter(pk=pk).first()
    if found is None:
        raise Http404("No such document.")
    return found


def page_of(document: models.Model) -> str:
    """The page a document is shown on: its own, or its invoice's for a credit note."""
    return documents.for_object(document).page_url(document)


def contact_choices(document: models.Model) -> list[tuple[str, str]]:
    # One read of the contacts gives both the addresses (in `recipients_of` order) and the names.
    contacts = email_contacts(documents.for_object(document).client(document))
    addresses = dict.fromkeys(contact.email for contact in contacts)
    names = {contact.email: contact.name for contact in contacts}
    return [(email, f"{names.get(email) or email} <{email}>") for email in addresses]


def preview(document: models.Model, business: BusinessProfile | None = None) -> tuple[str, str]:
    """(subject, body) the email would have; the link is a placeholder (none is created).

    `business`: the profile the page has already loaded, if any (else it is loaded here)."""
    document_type = documents.for_object(document)
    language = document_locale(document, business).language
    with translation.override(language):  # the placeholder reads as the rest of the email
        link = gettext("(the client's own link, made when the email is sent)")
    context = values_for(document, link=link, business=business)
    return render_message(document_type.kind, context, language)


@dataclass
class Shown:
    """What the panel shows of the data (its queries), apart from what one request adds: the
    invoice page keeps it while nothing it comes from has changed (messaging/caching.py)."""

    refusal: str | None
    recipients: list[tuple[str, str]]
    subject: str
    body: str
    deliveries: list[Delivery]
    links: list[Any]
    link_count: int
    # The invoice's credit notes as (id, number), each with its own send and link buttons.
    credit_notes: list[tuple[int, str]]


@dataclass
class Panel(Shown):
    document: models.Model
    slug: str
    new_link: str
    back: str
    selected: set[str]
    errors: list[str]


def read_shown(
    document: models.Model,
    *,
    whole_invoice: bool,
    business: BusinessProfile | None = None,
    credit_notes: Iterable[Any] | None = None,
) -> Shown:
    """The panel's data: a fixed number of queries, whatever the log's length.

    `business`, `credit_notes`: the business profile and the invoice's credit notes the page has
    already loaded, if any (else they are read here)."""
    document_type = documents.for_object(document)
    refusal = document_type.can_send(document)
    # One read of the client's contacts for the recipients and the preview's contact name.
    prefetch_related_objects([document_type.client(document)], "contacts")
    recipients = contact_choices(document) if refusal is None else []
    subject, body = preview(document, business) if refusal is None else ("", "")
    log = deliveries_for_invoice(document.pk) if whole_invoice else deliveries_for(document)
    if whole_invoice:  # the invoice's links and its credit notes'
        links = PublicLink.objects.filter(invoice_id=document.pk, revoked_at=None)
    else:
        links = links_for(document).filter(revoked_at=None)
    # Each link says who created it: one query for them all, not one a link, and none when there
    # is no link (a join would cost about 0.25 ms a page even then).
    # Only their names: the panel's data is kept in a cache (messaging/caching.py), and a user's
    # password hash has no business there.
    creators = Prefetch("created_by", queryset=User.objects.only("id", "full_name", "email"))
    shown_links = list(links.prefetch_related(creators)[:LINKS_SHOWN])
    if not whole_invoice:
        numbers: list[tuple[int, str]] = []
    elif credit_notes is None:
        numbers = list(
            CreditNote.objects.filter(invoice_id=document.pk).values_list("pk", "number")
        )
    else:
        numbers = [(note.pk, note.number) for note in credit_notes]
    return Shown(
        refusal=refusal,
        recipients=recipients,
        subject=subject,
        body=body,
        # The log shows neither who queued an email nor its body (which can be long).
        deliveries=list(log.defer("body")[:LOG_SIZE]),
        links=shown_links,
        # Fewer than a full page shown means none left out: no need to count them.
        link_count=len(shown_links) if len(shown_links) < LINKS_SHOWN else links.count(),
        credit_notes=numbers,
    )


def build_panel(
    request: HttpRequest,
    document: models.Model,
    *,
    whole_invoice: bool,
    business: BusinessProfile | None = None,
    shown: Shown | None = None,
) -> Panel:
    """Everything the partial shows: `shown` (read here unless the page kept it) and what this
    request adds (a new link's address, a refused send's choices and errors)."""
    if shown is None:
        shown = read_shown(document, whole_invoice=whole_invoice, business=business)
    submitted = getattr(request, SUBMITTED_ATTR, None)  # a refused send, shown with its errors
    return Panel(
        **vars(shown),
        document=document,
        slug=slug_of(document),
        new_link=getattr(request, NEW_LINK_ATTR, ""),
        back=page_of(document),
        selected=set(submitted[0]) if submitted else {email for email, _label in shown.recipients},
        errors=submitted[1] if submitted else [],
    )
