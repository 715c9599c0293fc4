"""The audit trail: who did what, when, with the old and the new values. Append-only."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    CHANGE = "change", _("Changed")
    DELETE = "delete", _("Deleted")
    ARCHIVE = "archive", _("Archived")
    ISSUE = "issue", _("Issued")
    # A context: the event of any document, not an invoice's status (feminine in fr and es).
    SEND = "send", pgettext_lazy("audit event", "Sent")
    PAYMENT = "payment", _("Payment recorded")
    PAYMENT_DELETE = "payment_delete", _("Payment deleted")
    CREDIT = "credit", _("Credit note issued")
    REFUND = "refund", _("Refund recorded")
    REFUND_DELETE = "refund_delete", _("Refund deleted")
    CREDIT_APPLY = "credit_apply", _("Client credit applied")
    CREDIT_UNAPPLY = "credit_unapply", _("Applied credit removed")
    # Recorded by quotes, messaging, the portal and automation on billing's trail.
    EMAIL = "email", _("Emailed")
    RETRY = "retry", _("Retried")
    LINK_CREATE = "link_create", _("Public link created")
    LINK_REVOKE = "link_revoke", _("Public link revoked")
    LINK_VIEW = "link_view", _("Viewed through its public link")
    ACCEPT = "accept", _("Accepted")
    DECLINE = "decline", _("Declined")
    CONVERT = "convert", _("Converted to an invoice")
    EXPIRE = "expire", _("Expired")


class AuditEvent(models.Model):
    # No foreign-key constraints on purpose: events outlive deleted drafts and users, and a
    # database trigger refuses any UPDATE or DELETE of this table.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    actor_label = models.CharField(max_length=254, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)  # "billing.invoice"
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    # The invoice this event belongs to (itself, or its payment/credit note): its page shows them.
    invoice_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    old_values = models.JSONField(default=dict, blank=True)
    new_values = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.actor_label} {self.action} {self.object_repr}"
