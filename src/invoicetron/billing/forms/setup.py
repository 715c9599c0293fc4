"""The owner's forms: business profile (with its logo), tax rates, number series and users."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.currencies import currency_choices
from invoicetron.billing.forms.einvoice import (
    PARTY_FIELDS,
    EInvoicePartyForm,
    clean_bic,
    clean_iban,
)
from invoicetron.billing.forms.widgets import number_input
from invoicetron.billing.locales import LOCALE_CHOICES
from invoicetron.billing.models import (
    BusinessProfile,
    EInvoiceFormat,
    NumberSeries,
    PaymentMeansCode,
    TaxRate,
)

MAX_LOGO_BYTES = 512 * 1024
# The logo's type comes from its first bytes, never from what the browser claims.
LOGO_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


def logo_type(data: bytes) -> str | None:
    for signature, content_type in LOGO_SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    head = data[:1024].lstrip().lower()
    if head.startswith((b"<svg", b"<?xml")) and b"<svg" in head:
        return "image/svg+xml"
    return None


# Payment means whose e-invoices must name the account paid into (BR-61).
TRANSFER_MEANS = frozenset({PaymentMeansCode.SEPA_TRANSFER, PaymentMeansCode.CREDIT_TRANSFER})


class BusinessProfileForm(EInvoicePartyForm):
    SECTIONS = (
        (_("Business"), "", ()),
        (
            _("E-invoicing"),
            _(
                "What EN 16931 e-invoices (Factur-X, UBL, XRechnung) need about your business: "
                "fill it in once, and each invoice keeps a copy when it is issued."
            ),
            (
                *PARTY_FIELDS,
                "payment_means_code",
                "iban",
                "bic",
                "einvoice_format",
            ),
        ),
    )
    base_currency = forms.ChoiceField(choices=currency_choices, label=_("Base currency"))
    time_zone = forms.ChoiceField(choices=time_zone_choices, label=_("Time zone"))
    locale = forms.ChoiceField(
        choices=LOCALE_CHOICES,
        label=_("Language and region"),
        help_text=_(
            "Your documents' default language (a client can have its own) and how they write "
            "numbers, amounts and dates: 1.234,50 € in de_DE, 1 234,50 € in fr_FR."
        ),
    )
    logo_file = forms.FileField(
        required=False,
        label=_("Logo"),
        help_text=_("PNG, JPEG, GIF, WebP or SVG, up to 512 KB. It is stored in the database."),
    )
    remove_logo = forms.BooleanField(required=False, label=_("Remove the current logo"))

    class Meta:
        model = BusinessProfile
        fields = (
            "name",
            "address",
            "tax_id",
            "email",
            "phone",
            "website",
            "base_currency",
            "show_base_currency_totals",
            "default_payment_terms_days",
            "payment_instructions",
            "invoice_footer",
            "time_zone",
            "locale",
            *PARTY_FIELDS,
            "payment_means_code",
            "iban",
            "bic",
            "einvoice_format",
        )
        labels: ClassVar = {
            "name": _("Business name"),
            "address": _("Address"),
            "email": _("Email"),
            "phone": _("Phone"),
            "website": _("Website"),
            "default_payment_terms_days": _("Payment terms (days)"),
            "payment_instructions": _("Payment instructions"),
            "invoice_footer": _("Invoice footer"),
            "locale": _("Locale"),
            "payment_means_code": _("Payment means"),
            "einvoice_format": _("Default e-invoice format"),
        }
        help_texts: ClassVar = {
            "address": _("As printed on documents. Blank: the structured address below."),
            "payment_means_code": _("How clients pay (UNCL 4461 code in the e-invoice)."),
            "iban": _("The account clients pay into; needed for credit transfers (30, 58)."),
            "bic": _("Optional in the SEPA area."),
            "einvoice_format": _(
                "What emails attach: a plain PDF, a Factur-X PDF (the XML inside, read by people "
                "and software alike), or the PDF with a UBL file for Peppol and XRechnung "
                "buyers. The invoice page offers every format for download."
            ),
        }
        widgets: ClassVar = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "payment_instructions": forms.Textarea(attrs={"rows": 3}),
            "invoice_footer": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A locale set through the API may be one the list does not offer: it stays choosable.
        current = self.instance.locale
        if current and current not in dict(LOCALE_CHOICES):
            self.fields["locale"].choices = [*LOCALE_CHOICES, (current, current)]  # type: ignore[attr-defined]

    def clean_logo_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo_file")
        if upload is None:
            return None
        if (upload.size or 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo is larger than 512 KB."))
        data = upload.read()
        content_type = logo_type(data)
        if content_type is None:
            raise forms.ValidationError(_("The logo must be a PNG, JPEG, GIF, WebP or SVG image."))
        self.instance.logo = data
        self.instance.logo_content_type = content_type
        return upload

    def clean_iban(self) -> str:
        return clean_iban(self.cleaned_data.get("iban", ""))

    def clean_bic(self) -> str:
        return clean_bic(self.cleaned_data.get("bic", ""))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        e_invoices = cleaned.get("einvoice_format") not in (None, EInvoiceFormat.PDF)
        transfer = cleaned.get("payment_means_code") in TRANSFER_MEANS
        if e_invoices and transfer and not cleaned.get("iban") and "iban" not in self.errors:
            self.add_error(
                "iban",
                _(
                    "E-invoices paid by credit transfer must name the account: enter the IBAN, "
                    "or choose another payment means."
                ),
            )
        if cleaned.get("remove_logo") and not cleaned.get("logo_file"):
            self.instance.logo = None
            self.instance.logo_content_type = ""
        return cleaned


class TaxRateForm(forms.ModelForm):
    """A tax rate and what e-invoices say of it: its VAT category and, for the exempt
    categories, the reason. `TaxRate.clean` checks them together, for the API as well."""

    class Meta:
        model = TaxRate
        fields = ("name", "rate", "active", "category", "exemption_reason_code", "exemption_reason")
        labels: ClassVar = {
            "name": _("Name"),
            "rate": _("Rate (%)"),
            "active": _("Active"),
            "category": _("VAT category"),
            "exemption_reason_code": _("Exemption reason code"),
            "exemption_reason": _("Exemption reason text"),
        }
        help_texts: ClassVar = {
            "rate": _("Up to 3 decimals, e.g. 9.975."),
            "category": _(
                "S for ordinary VAT; the others say why no VAT or a special tax applies."
            ),
            "exemption_reason_code": _(
                "For E, AE, K, G and O: a VATEX code, e.g. VATEX-EU-AE (reverse charge) or "
                "VATEX-EU-IC (intra-community)."
            ),
            "exemption_reason": _(
                "Or, or as well, the reason in words, e.g. "
                '"Reverse charge: the buyer accounts for the VAT".'
            ),
        }
        widgets: ClassVar = {"rate": number_input()}


class NumberSeriesForm(forms.ModelForm):
    class Meta:
        model = NumberSeries
        fields = ("name", "kind", "pattern", "reset", "is_default")
        labels: ClassVar = {
            "name": _("Name"),
            "kind": _("Kind"),
            "pattern": _("Pattern"),
            "reset": _("Reset"),
            "is_default": _("Default series for this kind of document"),
        }
        help_texts: ClassVar = {
            "pattern": _(
                "Tokens: {YYYY} {YY} {MM} and {SEQ:n} (zero-padded to n digits), "
                "e.g. INV-{YYYY}-{SEQ:4}."
            )
        }

    def _get_validation_exclusions(self) -> set[str]:
        # The one-default-per-kind rule is kept by the service, which hands "default" over;
        # django-stubs omit this private hook, the one place a ModelForm skips a constraint.
        inherited = super()._get_validation_exclusions()  # type: ignore[misc]
        return {*inherited, "is_default"}
