"""Reminder steps from the settings pages: saved and deleted with an audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from invoicetron.accounts.models import User
from invoicetron.automation.models import LateFee, ReminderStep
from invoicetron.billing.models import AuditAction
from invoicetron.billing.services.audit import record


@transaction.atomic
def save_step(step: ReminderStep, *, by: User | None) -> ReminderStep:
    creating = step.pk is None
    if step.late_fee != LateFee.NONE and not step.late_fee_value:
        raise ValidationError({"late_fee_value": _("Enter the fee, or choose no fee.")})
    if step.late_fee == LateFee.PERCENT and step.late_fee_value > 100:
        raise ValidationError({"late_fee_value": _("A percent fee cannot exceed 100.")})
    step.full_clean()
    step.save()
    new = {"days": step.days, "late_fee": step.late_fee, "value": step.late_fee_value}
    record(AuditAction.CREATE if creating else AuditAction.CHANGE, step, by=by, new=new)
    return step


@transaction.atomic
def delete_step(step: ReminderStep, *, by: User | None) -> bool:
    """Delete a step never used; a used one is deactivated instead (its claims keep it)."""
    try:
        with transaction.atomic():
            step.delete()
    except ProtectedError:
        ReminderStep.objects.filter(pk=step.pk).update(active=False)
        record(AuditAction.CHANGE, step, by=by, new={"active": False})
        return False
    record(AuditAction.DELETE, step, by=by, old={"days": step.days})
    return True
