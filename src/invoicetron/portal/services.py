"""Public link services.

- `create_link(document, *, by) -> (PublicLink, url)` — the token exists only in the returned URL
  (secrets.token_urlsafe(32): 256 bits); the database keeps its SHA-256. A draft (a document
  without its frozen snapshot) gets no link: ValidationError.
- `revoke_link(link, *, by)` — the link stops working at once.
- `open_link(token) -> (PublicLink, document) | None` — None for an unknown or revoked token.
- `links_for(document)` — a document's links, newest first.
Views and decisions through a link are written to the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from invoicetron.accounts.models import User
from invoicetron.billing import documents
from invoicetron.billing.models import AuditAction
from invoicetron.billing.services.audit import record
from invoicetron.portal.models import PublicLink

TOKEN_BYTES = 32


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    return settings.APP_URL + reverse("portal:document", args=[token])


@transaction.atomic
def create_link(document: models.Model, *, by: User | None) -> tuple[PublicLink, str]:
    document_type = documents.for_object(document)
    if getattr(document, "snapshot", None) is None:
        # The page and PDF show the frozen snapshot; a draft has none and may still change.
        raise ValidationError(
            document_type.can_send(document) or "Only an issued or sent document can be shared."
        )
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = PublicLink.objects.create(
        token_hash=token_hash(token),
        document_type=document_type.label,
        document_id=document.pk,
        document_label=str(document)[:64],
        invoice_id=document_type.invoice_id(document),
        created_by=by,
    )
    record(AuditAction.LINK_CREATE, document, by=by, invoice_id=link.invoice_id)
    return link, link_url(token)


@transaction.atomic
def revoke_link(link: PublicLink, *, by: User | None) -> PublicLink:
    PublicLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now())
    link.refresh_from_db()
    record(
        AuditAction.LINK_REVOKE,
        link,
        by=by,
        new={"document": link.document_label},
        invoice_id=link.invoice_id,
    )
    return link


def open_link(token: str) -> tuple[PublicLink, Any] | None:
    if not 20 <= len(token) <= 100:
        return None
    link = PublicLink.objects.filter(token_hash=token_hash(token), revoked_at=None).first()
    if link is None or link.document_type not in documents.REGISTRY:
        return None
    document = documents.by_label(link.document_type).model._default_manager.filter(
        pk=link.document_id
    )
    found = document.first()
    return (link, found) if found is not None else None


@transaction.atomic
def record_view(link: PublicLink, document: models.Model, what: str) -> None:
    PublicLink.objects.filter(pk=link.pk).update(last_viewed_at=timezone.now())
    record(
        AuditAction.LINK_VIEW,
        document,
        by=None,
        new={"link": link.pk, "viewed": what},
        invoice_id=link.invoice_id,
    )


def links_for(document: models.Model) -> models.QuerySet[PublicLink]:
    return PublicLink.objects.filter(
        document_type=document._meta.label_lower, document_id=document.pk
    )


def email_link(document: models.Model) -> str:
    """A fresh link for an email about `document`: messaging's worker asks for one as it sends
    each email, so that the token is never stored (see messaging/delivery.py)."""
    return create_link(document, by=None)[1]
