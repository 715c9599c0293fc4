"""Automation: recurring invoice schedules, reminder steps, webhooks, and the rows that make
each of their effects happen exactly once (unique constraints, claimed in a transaction)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from invoicetron.billing.models import Client, DiscountType, Invoice
from invoicetron.billing.models.common import discount_checks


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


class RecurringInvoice(models.Model):
    """A template (client, lines, taxes) and its schedule, in the business's time zone."""

    name = models.CharField(max_length=200)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(max_length=3, blank=True)  # blank: the client's
    # Units of the base currency per unit of `currency`; None: the rate table's, else the latest
    # recorded (rates.py).
    exchange_rate = models.DecimalField(max_digits=20, decimal_places=10, null=True, blank=True)
    # [{"description", "quantity", "unit_price", "unit", "tax_ids": [..], "discount_type",
    # "discount_value", "product_id"}], numbers as strings (`billing.lines.line_json`); rows
    # saved before line discounts and products lack those three keys: none, then.
    lines = models.JSONField(default=list)
    # The document discount each invoice gets, checked against the lines when saved.
    discount_type = models.CharField(
        max_length=8, choices=DiscountType.choices, default=DiscountType.PERCENT
    )
    discount_value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    notes = models.TextField(blank=True)
    frequency = models.CharField(max_length=16, choices=Frequency.choices)
    # Occurrence n is start_date + n periods, its day clamped to the month's end: no drift.
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    max_count = models.PositiveIntegerField(null=True, blank=True)
    auto_issue = models.BooleanField(default=True)
    auto_send = models.BooleanField(default=False)
    active = models.BooleanField(default=True)
    runs_done = models.PositiveIntegerField(default=0)
    next_date = models.DateField(null=True, blank=True)  # None once finished
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The worker's last failure to make the next invoice, cleared by its next success.
    last_error = models.TextField(blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("name", "id")
        indexes: ClassVar = [models.Index(fields=["active", "next_date"])]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            *discount_checks("automation_recurring")
        ]

    def __str__(self) -> str:
        return self.name


class RecurringRun(models.Model):
    """One occurrence of a schedule; unique per date, so a date is never invoiced twice."""

    schedule = models.ForeignKey(RecurringInvoice, on_delete=models.CASCADE, related_name="runs")
    run_date = models.DateField()
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-run_date",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["schedule", "run_date"], name="automation_run_once")
        ]

    def __str__(self) -> str:
        return f"{self.schedule_id} @ {self.run_date}"


class LateFee(models.TextChoices):
    NONE = "none", _("No fee")
    FIXED = "fixed", _("Fixed amount")
    PERCENT = "percent", _("Percent of the balance due")


class ReminderStep(models.Model):
    """A reminder `days` after the due date (negative: before it), with an optional late fee."""

    days = models.IntegerField(unique=True)
    late_fee = models.CharField(max_length=8, choices=LateFee.choices, default=LateFee.NONE)
    late_fee_value = models.DecimalField(max_digits=18, decimal_places=4, default=Decimal(0))
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ("days",)
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(late_fee_value__gte=0), name="automation_fee_not_negative"
            )
        ]

    def __str__(self) -> str:
        if self.days == 0:
            return str(_("On the due date"))
        if self.days > 0:
            after = ngettext(
                "%(days)s day after the due date", "%(days)s days after the due date", self.days
            )
            return after % {"days": self.days}
        before = ngettext(
            "%(days)s day before the due date", "%(days)s days before the due date", -self.days
        )
        return before % {"days": -self.days}


class ReminderClaim(models.Model):
    """A reminder step done for an invoice: unique, so never sent or charged twice."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="reminders")
    step = models.ForeignKey(ReminderStep, on_delete=models.PROTECT, related_name="+")
    emailed = models.BooleanField(default=False)  # catching up, only the latest step emails
    delivery_id = models.BigIntegerField(null=True, blank=True)
    fee_invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="late_fee_for"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["invoice", "step"], name="automation_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.invoice_id}/{self.step_id}"


class ReminderFailure(models.Model):
    """Why the worker could not do an invoice's due reminder steps; deleted once it can."""

    invoice = models.OneToOneField(
        Invoice, on_delete=models.CASCADE, related_name="reminder_failure"
    )
    error = models.TextField()
    failed_at = models.DateTimeField()

    class Meta:
        ordering = ("-failed_at",)

    def __str__(self) -> str:
        return f"{self.invoice_id}: {self.error[:60]}"


class WebhookEndpoint(models.Model):
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=100)  # shared with the receiver to check signatures
    events = models.JSONField(default=list, blank=True)  # empty: every event
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("url", "id")

    def __str__(self) -> str:
        return self.url


class WebhookStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RETRYING = "retrying", _("Failed, will retry")
    SENDING = "sending", _("Sending")  # claimed by a worker, which is posting it
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=32)
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=WebhookStatus.choices, default=WebhookStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name_plural = "webhook deliveries"

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id}"
