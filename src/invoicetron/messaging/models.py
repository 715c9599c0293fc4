"""Email: editable templates per kind of message, and the delivery log of every email sent."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MessageKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    QUOTE = "quote", _("Quote")
    REMINDER = "reminder", _("Payment reminder")


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RETRYING = "retrying", _("Failed, will retry")
    SENDING = "sending", _("Sending")  # claimed by a worker, which is talking to the mail server
    # A context: an email's "Sent" is masculine in French and Spanish, an invoice's feminine.
    SENT = "sent", pgettext_lazy("email status", "Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")  # e.g. a reminder for an invoice paid in the meantime


class EmailTemplate(models.Model):
    """The owner's subject and body for one kind of message in one language; a language without
    its own template uses the translated default (templates.py)."""

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    # The language of the documents (the client's) whose emails it writes.
    language = models.CharField(
        max_length=8, choices=settings.LANGUAGES, default="en", db_default="en"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["kind", "language"], name="messaging_template_one_per_kind_and_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language})"


class Delivery(models.Model):
    """One email about one document, with its fate: the log shown on the document's page."""

    kind = models.CharField(max_length=16, choices=MessageKind.choices)
    document_type = models.CharField(max_length=32)  # "billing.invoice", "quotes.quote"…
    document_id = models.BigIntegerField()
    document_label = models.CharField(max_length=64)  # the number, for lists
    # The invoice the email is about (an invoice or its reminder), for the invoice page.
    invoice_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(
        max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)  # the mail server's answer, as it gave it
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "deliveries"
        indexes: ClassVar = [
            models.Index(fields=["document_type", "document_id"]),
            models.Index(fields=["status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.document_label} → {', '.join(self.recipients)}"
