"""Field conventions shared by the billing models: NUMERIC everywhere, never float."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.money import MoneyError, check_currency

# Column precision, used by every billing model (written out at each field so that the type
# checker sees plain DecimalFields): quantities NUMERIC(15,3), unit prices and discounts (18,4),
# tax rates (6,3) in percent (9.975 exists), exchange rates (20,10), and amounts (18,4) so that
# 4-digit currencies (CLF, UYW) fit; services refuse any amount with more decimals than its
# currency allows.


def validate_currency(value: str) -> None:
    try:
        check_currency(value)
    except MoneyError as error:
        raise ValidationError(str(error), code="currency") from error


def currency_field(**options: Any) -> models.CharField[str, str]:
    return models.CharField(max_length=3, validators=[validate_currency], **options)


def currency_check(
    field_name: str, name: str, *, allow_blank: bool = False
) -> models.CheckConstraint:
    condition = models.Q(**{f"{field_name}__regex": r"^[A-Z]{3}$"})
    if allow_blank:
        condition |= models.Q(**{field_name: ""})
    return models.CheckConstraint(condition=condition, name=name)


class DiscountType(models.TextChoices):
    PERCENT = "percent", _("%")
    AMOUNT = "amount", _("Amount")


def discount_checks(prefix: str) -> list[models.CheckConstraint]:
    """Discounts are never negative, and a percent stays within 0-100."""
    return [
        models.CheckConstraint(
            condition=models.Q(discount_value__gte=0), name=f"{prefix}_discount_not_negative"
        ),
        models.CheckConstraint(
            condition=~models.Q(discount_type=DiscountType.PERCENT)
            | models.Q(discount_value__lte=100),
            name=f"{prefix}_discount_percent_max_100",
        ),
    ]


class ImmutableDocument(ValidationError):
    """Raised when something tries to change or delete an issued document."""
