"""The exchange-rate table the owner keeps: the default rate of a document in another currency.

A rate has the convention of `Invoice.exchange_rate`: how many units of the base currency one unit
of `currency` is worth (base EUR, 1 USD = 0.92 EUR: rate 0.92). Each rate names the base currency
it was recorded against, so that a change of the business's base currency never reuses a rate
meant for the old one. An issued invoice copies its rate into its snapshot: editing or deleting a
rate here never changes an issued document.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.models.common import currency_check, currency_field
from invoicetron.billing.money import RATE_PLACES, decimal_places


class RateSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")


class ExchangeRateQuerySet(models.QuerySet["ExchangeRate"]):
    def for_base(self, base_currency: str) -> ExchangeRateQuerySet:
        return self.filter(base_currency=base_currency)

    def on_or_before(
        self, currency: str, day: datetime.date, base_currency: str
    ) -> ExchangeRate | None:
        """The rate of `currency` on `day`, else the latest one before it (a weekend or a
        holiday has no reference rate: the last working day's is the one in force)."""
        return (
            self.filter(base_currency=base_currency, currency=currency, date__lte=day)
            .order_by("-date")
            .first()
        )


class ExchangeRate(models.Model):
    currency = currency_field(verbose_name=_("Currency"))
    base_currency = currency_field(verbose_name=_("Base currency"))
    date = models.DateField(verbose_name=_("Date"))
    # Units of the base currency per unit of `currency`: NUMERIC(20,10) like Invoice.exchange_rate,
    # which a table rate is copied into.
    rate = models.DecimalField(max_digits=20, decimal_places=10, verbose_name=_("Rate"))
    source = models.CharField(max_length=8, choices=RateSource.choices, default=RateSource.MANUAL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        ordering = ("-date", "currency")
        constraints: ClassVar = [
            # Its index, in this column order, also serves "the latest rate on or before a day".
            models.UniqueConstraint(
                fields=["base_currency", "currency", "date"], name="billing_exchangerate_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0), name="billing_exchangerate_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(currency=models.F("base_currency")),
                name="billing_exchangerate_not_base",
            ),
            currency_check("currency", "billing_exchangerate_currency_iso"),
            currency_check("base_currency", "billing_exchangerate_base_iso"),
        ]
        indexes: ClassVar = [models.Index(fields=["date"], name="billing_exchangerate_date")]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} {self.base_currency} ({self.date})"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.currency and self.currency == self.base_currency:
            errors["currency"] = gettext(
                "%(currency)s is the base currency: its rate is always 1."
            ) % {"currency": self.currency}
        if isinstance(self.rate, Decimal):  # else clean_fields has said what is wrong with it
            if self.rate <= 0:
                errors["rate"] = gettext("The rate must be above zero.")
            elif decimal_places(self.rate) > RATE_PLACES:
                errors["rate"] = gettext("A rate has at most %(places)s decimals.") % {
                    "places": RATE_PLACES
                }
            elif self.rate >= Decimal(10) ** 10:
                errors["rate"] = gettext("The rate is too large.")
        if errors:
            raise ValidationError(errors)
