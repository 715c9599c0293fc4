"""Public links: an unguessable, revocable address where a client sees one document."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class PublicLink(models.Model):
    # Only the SHA-256 of the token is stored: a database leak reveals no working link.
    token_hash = models.CharField(max_length=64, unique=True)
    document_type = models.CharField(max_length=32)  # "billing.invoice", "quotes.quote"…
    document_id = models.BigIntegerField()
    document_label = models.CharField(max_length=64)
    invoice_id = models.BigIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [models.Index(fields=["document_type", "document_id"])]

    def __str__(self) -> str:
        return f"Link to {self.document_label}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
