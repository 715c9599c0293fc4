"""The business itself and its settings: profile, tax rates, number series and their counters."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.caching import Marker, while_unchanged
from invoicetron.billing.countries import COUNTRIES
from invoicetron.billing.dates import local_date
from invoicetron.billing.einvoice_codes import EAS_CODES, VATEX_CODES
from invoicetron.billing.formatting import tax_label
from invoicetron.billing.locales import checked_locale
from invoicetron.billing.models.common import currency_check, currency_field
from invoicetron.billing.numbering import Reset, validate_pattern
from invoicetron.billing.validation import checked_bic, checked_iban, merge, text_value


class VatCategory(models.TextChoices):
    """EN 16931 VAT category codes (UNCL5305 subset, BT-118/BT-151) a tax rate belongs to."""

    STANDARD = "S", _("S: standard rate")
    ZERO_RATED = "Z", _("Z: zero rated goods")
    EXEMPT = "E", _("E: exempt from VAT")
    REVERSE_CHARGE = "AE", _("AE: VAT reverse charge")
    INTRA_COMMUNITY = "K", _("K: intra-community supply (no VAT charged)")
    EXPORT = "G", _("G: export outside the EU (free export item)")
    OUT_OF_SCOPE = "O", _("O: services outside the scope of VAT")
    CANARY_ISLANDS = "L", _("L: Canary Islands general indirect tax (IGIC)")
    CEUTA_MELILLA = "M", _("M: Ceuta and Melilla tax (IPSI)")


# Categories whose rate must be 0 and which need an exemption reason (BR-E-10, BR-AE-10,
# BR-IC-10, BR-G-10, BR-O-10).
ZERO_RATE_CATEGORIES = frozenset({"Z", "E", "AE", "K", "G", "O"})
REASON_CATEGORIES = frozenset({"E", "AE", "K", "G", "O"})
# The VATEX code each exempt category takes, where the category has exactly one.
CATEGORY_VATEX = {"AE": "VATEX-EU-AE", "K": "VATEX-EU-IC", "G": "VATEX-EU-G", "O": "VATEX-EU-O"}


class EInvoiceFormat(models.TextChoices):
    PDF = "pdf", _("Plain PDF")
    FACTURX = "facturx", _("Factur-X PDF (PDF with the CII XML inside)")
    UBL = "ubl", _("PDF and UBL XML (Peppol BIS Billing 3.0) by email")


class PaymentMeansCode(models.TextChoices):
    """UNCL4461 codes the payment details can name (BT-81)."""

    SEPA_TRANSFER = "58", _("58: SEPA credit transfer")
    CREDIT_TRANSFER = "30", _("30: credit transfer (non-SEPA)")
    SEPA_DIRECT_DEBIT = "59", _("59: SEPA direct debit")
    CARD = "48", _("48: bank card")
    CASH = "10", _("10: cash")
    NOT_DEFINED = "1", _("1: not defined")


class PostalAddress(models.Model):
    """Structured postal address fields (EN 16931 BG-5 / BG-8) shared by the business and its
    clients; the free-text address stays what pages and PDFs print when these are empty."""

    street = models.CharField(max_length=200, blank=True, db_default="")
    street_2 = models.CharField(
        _("additional street line"), max_length=200, blank=True, db_default=""
    )
    city = models.CharField(max_length=100, blank=True, db_default="")
    postcode = models.CharField(max_length=32, blank=True, db_default="")
    subdivision = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("State, region or province, where it is needed."),
        db_default="",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 country code, e.g. DE, FR, BE."),
        db_default="",
    )
    # The electronic address (BT-34 / BT-49) e-invoice networks deliver to, with its EAS scheme.
    endpoint_scheme = models.CharField(
        _("electronic address scheme"),
        max_length=4,
        blank=True,
        help_text=_(
            "EAS code: 0088 GLN, 9930 German VAT number, 0208 Belgian company number, EM email…"
        ),
        db_default="",
    )
    endpoint_id = models.CharField(
        _("electronic address"), max_length=128, blank=True, db_default=""
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        """The country is an ISO 3166-1 code; an electronic address has both scheme and id."""
        self.country = text_value(self.country).strip().upper()
        self.endpoint_scheme = text_value(self.endpoint_scheme).strip().upper()
        self.endpoint_id = text_value(self.endpoint_id).strip()
        errors: dict[str, str] = {}
        if self.country and self.country not in COUNTRIES:
            errors["country"] = gettext(
                "“%(code)s” is not an ISO 3166-1 country code: use two letters, "
                "e.g. DE, FR, BE, GB."
            ) % {"code": self.country}
        if self.endpoint_scheme and self.endpoint_scheme not in EAS_CODES:
            errors["endpoint_scheme"] = gettext(
                "“%(code)s” is not an EAS code: e.g. 0088 (GLN), 9930 (German VAT number), "
                "0208 (Belgian company number), EM (email)."
            ) % {"code": self.endpoint_scheme}
        if self.endpoint_scheme and not self.endpoint_id:
            errors["endpoint_id"] = gettext(
                "Enter the electronic address for this scheme, or clear both."
            )
        if self.endpoint_id and not self.endpoint_scheme:
            errors["endpoint_scheme"] = gettext(
                "Choose the electronic address's scheme (EAS code)."
            )
        if errors:
            raise ValidationError(errors)


class BusinessProfile(PostalAddress):
    """The one business of this installation (a singleton row: use `BusinessProfile.load()`)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = models.CharField(max_length=200, blank=True)
    address = models.TextField(blank=True)
    # The VAT identifier with its country prefix (BT-31), e.g. DE123456789.
    tax_id = models.CharField(_("VAT id"), max_length=64, blank=True)
    registration_id = models.CharField(
        _("legal registration id"),
        max_length=64,
        blank=True,
        help_text=_("Trade register or company number (SIREN, HRB…), BT-30."),
        db_default="",
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=64, blank=True)
    website = models.CharField(max_length=200, blank=True)
    # The logo lives in the database so that pods stay stateless.
    logo = models.BinaryField(null=True, blank=True, editable=True)
    logo_content_type = models.CharField(max_length=64, blank=True)
    base_currency = currency_field(default="EUR")
    default_payment_terms_days = models.PositiveSmallIntegerField(
        default=30, validators=[MaxValueValidator(365)]
    )
    payment_instructions = models.TextField(blank=True)
    payment_means_code = models.CharField(
        max_length=3,
        choices=PaymentMeansCode.choices,
        default=PaymentMeansCode.SEPA_TRANSFER,
        db_default=PaymentMeansCode.SEPA_TRANSFER,
    )
    iban = models.CharField("IBAN", max_length=34, blank=True, db_default="")
    bic = models.CharField("BIC", max_length=11, blank=True, db_default="")
    einvoice_format = models.CharField(
        _("default e-invoice format"),
        max_length=8,
        choices=EInvoiceFormat.choices,
        default=EInvoiceFormat.PDF,
        db_default=EInvoiceFormat.PDF,
    )
    invoice_footer = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    # A CLDR locale id (checked_locale): its language is the default of the UI and of documents,
    # and documents in that language write numbers, amounts and dates its way.
    locale = models.CharField(
        max_length=16,
        default="en",
        help_text=_("The business's language and how its documents write numbers and dates."),
    )
    # A foreign-currency invoice also shows its totals in the base currency, with the rate used.
    show_base_currency_totals = models.BooleanField(
        _("also show the totals in your home currency"),
        default=False,
        db_default=False,
        help_text=_(
            "On invoices in another currency: the totals converted at the invoice's "
            "exchange rate, with the rate."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="billing_profile_singleton"
            ),
            currency_check("base_currency", "billing_profile_currency_iso"),
        ]

    def __str__(self) -> str:
        return self.name or "Business profile"

    @classmethod
    def load(cls) -> BusinessProfile:
        profile, _created = cls.objects.get_or_create(singleton=True)
        return profile

    def clean(self) -> None:
        import zoneinfo

        try:
            zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
            raise ValidationError(
                {"time_zone": gettext("Unknown time zone, e.g. Europe/Paris.")}
            ) from error
        if self.logo and not self.logo_content_type.startswith("image/"):
            raise ValidationError(
                {"logo": gettext("The logo must be an image (PNG, JPEG or SVG).")}
            )
        try:
            self.locale = checked_locale(self.locale)
        except ValidationError as error:
            raise ValidationError({"locale": error}) from error
        errors: list[ValidationError] = []
        for check in (super().clean, self._clean_bank_account):
            try:
                check()
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise merge(errors)

    def _clean_bank_account(self) -> None:
        errors = {}
        for name, checked in (("iban", checked_iban), ("bic", checked_bic)):
            try:
                setattr(self, name, checked(text_value(getattr(self, name)), name))
            except ValidationError as error:
                errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)


def business_today(
    profile: BusinessProfile | None = None, *, at: datetime.datetime | None = None
) -> datetime.date:
    """Today's date where the business is (its time zone), not where the server is; with `at`,
    that moment's date there (the day a quote was accepted, as the business and client say it)."""
    # Only the time zone is needed: reading one column keeps lists from loading the whole
    # profile (the logo included) on every request.
    time_zone = business_time_zone() if profile is None else profile.time_zone
    return local_date(time_zone, at)


def business_time_zone() -> str:
    """The business's time zone; no profile yet means UTC, the default."""
    return BusinessProfile.objects.values_list("time_zone", flat=True).first() or "UTC"


def kept_business_today(marker: Marker) -> datetime.date:
    """business_today() without its query while billing data is unchanged (the time zone is a
    column of the business profile, a billing table: the marker moves with it)."""
    return local_date(while_unchanged("business-time-zone", business_time_zone, marker))


class TaxRate(models.Model):
    name = models.CharField(max_length=64)
    rate = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Percent.",
    )
    active = models.BooleanField(default=True)
    # What e-invoices say of this tax (BT-118/BT-151 and, where the category needs one, the
    # exemption reason BT-120/BT-121).
    category = models.CharField(
        "VAT category",
        max_length=2,
        choices=VatCategory.choices,
        default=VatCategory.STANDARD,
        db_default=VatCategory.STANDARD,
    )
    exemption_reason_code = models.CharField(
        max_length=32,
        blank=True,
        help_text="VATEX code, e.g. VATEX-EU-AE or VATEX-EU-IC.",
        db_default="",
    )
    exemption_reason = models.CharField(max_length=200, blank=True, db_default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("name", "rate")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=100), name="billing_taxrate_0_to_100"
            ),
            models.UniqueConstraint(fields=["name", "rate"], name="billing_taxrate_unique"),
        ]

    def __str__(self) -> str:
        return tax_label(self.name, self.rate)

    def clean(self) -> None:
        """The VAT category agrees with the rate and the exemption reason (EN 16931 BR-S-05,
        BR-Z-05, BR-E-05…: a category's rate; BR-E-10, BR-AE-10…: its exemption reason)."""
        self.exemption_reason_code = text_value(self.exemption_reason_code).strip().upper()
        self.exemption_reason = text_value(self.exemption_reason).strip()
        category = self.category
        # Not a Decimal when the rate itself was refused (clean_fields reports that).
        rate = self.rate if isinstance(self.rate, Decimal | int) else None
        name = VatCategory(category).label if category in VatCategory.values else category
        errors: dict[str, str] = {}
        if rate is not None and category in ZERO_RATE_CATEGORIES and rate != 0:
            errors["rate"] = gettext("The VAT category %(name)s has a rate of 0 %%.") % {
                "name": name
            }
        if rate is not None and category == VatCategory.STANDARD and rate <= 0:
            errors["rate"] = (
                gettext(
                    "A standard rate (S) is above 0 %%: for 0 %% choose Z (zero rated), "
                    "E (exempt), AE (reverse charge) or another category."
                )
                % {}
            )
        code = self.exemption_reason_code
        if code and code not in VATEX_CODES:
            errors["exemption_reason_code"] = gettext(
                "“%(code)s” is not a VATEX code: e.g. VATEX-EU-AE (reverse charge), VATEX-EU-IC "
                "(intra-community), VATEX-EU-G (export), VATEX-EU-O (out of scope)."
            ) % {"code": code}
        expected = CATEGORY_VATEX.get(category)
        if code in VATEX_CODES and expected and code != expected:
            errors["exemption_reason_code"] = gettext(
                "The VAT category %(name)s takes the code %(code)s."
            ) % {"name": name, "code": expected}
        if category in REASON_CATEGORIES and not (code or self.exemption_reason):
            errors["exemption_reason"] = gettext(
                "The VAT category %(name)s needs an exemption reason: a text or a VATEX code."
            ) % {"name": name}
        if category not in REASON_CATEGORIES and (code or self.exemption_reason):
            errors["exemption_reason"] = gettext(
                "Only exempt categories (E, AE, K, G, O) carry an exemption reason; %(name)s "
                "does not: clear it."
            ) % {"name": name}
        if errors:
            raise ValidationError(errors)


class DocumentKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")
    QUOTE = "quote", _("Quote")


# The labels of numbering.Reset, as the series page and form show them. A context: French says
# "Chaque mois" here but "mensuelle" for a recurring invoice's frequency (automation).
RESET_CHOICES = [
    (Reset.NEVER.value, pgettext_lazy("when a number series restarts", "Never")),
    (Reset.YEARLY.value, pgettext_lazy("when a number series restarts", "Yearly")),
    (Reset.MONTHLY.value, pgettext_lazy("when a number series restarts", "Monthly")),
]


class NumberSeries(models.Model):
    """A numbering sequence: `INV-{YYYY}-{SEQ:4}` gives INV-2026-0001, INV-2026-0002…"""

    name = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    pattern = models.CharField(max_length=64)
    reset = models.CharField(max_length=8, choices=RESET_CHOICES)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("kind", "name")
        verbose_name_plural = "number series"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "name"], name="billing_series_name_unique"),
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_default=True),
                name="billing_series_one_default_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.pattern})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        validate_pattern(self.pattern, self.reset)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        validate_pattern(self.pattern, self.reset)
        self._check_numbers_stay_unique()

    def has_issued_numbers(self) -> bool:
        return self.pk is not None and self.counters.filter(last_value__gt=0).exists()

    def _check_numbers_stay_unique(self) -> None:
        """A pattern that gave numbers keeps them; two series of a kind never share a pattern."""
        stored = NumberSeries.objects.filter(pk=self.pk).values("pattern", "reset", "kind").first()
        changed = stored is not None and (
            stored["pattern"] != self.pattern
            or stored["reset"] != self.reset
            or stored["kind"] != self.kind
        )
        if changed and self.has_issued_numbers():
            raise ValidationError(
                {
                    "pattern": gettext(
                        "This series has issued numbers, so its pattern, reset and kind "
                        "cannot change: create a new series instead."
                    )
                }
            )
        same = NumberSeries.objects.filter(kind=self.kind, pattern=self.pattern)
        twin = same.exclude(pk=self.pk).first()
        if twin is not None:
            raise ValidationError(
                {
                    "pattern": gettext(
                        "The series “%(name)s” already uses this pattern; two series "
                        "with one pattern would issue the same numbers."
                    )
                    % {"name": twin.name}
                }
            )


class NumberCounter(models.Model):
    """The last number used in one series and period; locked FOR UPDATE while a number is taken."""

    series = models.ForeignKey(NumberSeries, on_delete=models.PROTECT, related_name="counters")
    period = models.CharField(max_length=7, blank=True, help_text="'', '2026' or '2026-03'.")
    last_value = models.PositiveIntegerField(default=0)  # at most numbering.MAX_SEQUENCE

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["series", "period"], name="billing_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.series_id}/{self.period or '-'}: {self.last_value}"
