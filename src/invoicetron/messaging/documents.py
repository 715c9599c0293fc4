"""What messaging needs about the documents it emails: billing's registry of document types
(billing/documents.py, where every app registers its own) and the client's public link that an
email carries (the portal's, one app below)."""

from __future__ import annotations

from django.db import models

from invoicetron.billing.documents import REGISTRY, DocumentType, by_label, for_object
from invoicetron.portal.services import email_link

__all__ = ["REGISTRY", "DocumentType", "by_label", "for_object", "public_link"]


def public_link(document: models.Model) -> str:
    """A fresh link for an email about `document`, made as the worker sends it: never stored."""
    return email_link(document)
