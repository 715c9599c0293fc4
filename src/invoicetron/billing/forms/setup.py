"""The owner's forms: business profile (with its logo), tax rates, number series and users."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, ClassVar

from django import forms
from django.core.files.uploadedfile import UploadedFile

from invoicetron.billing.currencies import CURRENCY_CHOICES
from invoicetron.billing.forms.widgets import number_input
from invoicetron.billing.models import BusinessProfile, NumberSeries, TaxRate

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


class BusinessProfileForm(forms.ModelForm):
    base_currency = forms.ChoiceField(choices=CURRENCY_CHOICES)
    time_zone = forms.ChoiceField(choices=time_zone_choices)
    logo_file = forms.FileField(
        required=False,
        label="Logo",
        help_text="PNG, JPEG, GIF, WebP or SVG, up to 512 KB. It is stored in the database.",
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")

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
            "default_payment_terms_days",
            "payment_instructions",
            "invoice_footer",
            "time_zone",
            "locale",
        )
        labels: ClassVar = {
            "name": "Business name",
            "default_payment_terms_days": "Payment terms (days)",
        }
        widgets: ClassVar = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "payment_instructions": forms.Textarea(attrs={"rows": 3}),
            "invoice_footer": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_logo_file(self) -> UploadedFile | None:
        upload: UploadedFile | None = self.cleaned_data.get("logo_file")
        if upload is None:
            return None
        if (upload.size or 0) > MAX_LOGO_BYTES:
            raise forms.ValidationError("The logo is larger than 512 KB.")
        data = upload.read()
        content_type = logo_type(data)
        if content_type is None:
            raise forms.ValidationError("The logo must be a PNG, JPEG, GIF, WebP or SVG image.")
        self.instance.logo = data
        self.instance.logo_content_type = content_type
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("remove_logo") and not cleaned.get("logo_file"):
            self.instance.logo = None
            self.instance.logo_content_type = ""
        return cleaned


class TaxRateForm(forms.ModelForm):
    class Meta:
        model = TaxRate
        fields = ("name", "rate", "active")
        labels: ClassVar = {"rate": "Rate (%)"}
        help_texts: ClassVar = {"rate": "Up to 3 decimals, e.g. 9.975."}
        widgets: ClassVar = {"rate": number_input()}


class NumberSeriesForm(forms.ModelForm):
    class Meta:
        model = NumberSeries
        fields = ("name", "kind", "pattern", "reset", "is_default")
        labels: ClassVar = {"is_default": "Default series for this kind of document"}
        help_texts: ClassVar = {
            "pattern": "Tokens: {YYYY} {YY} {MM} and {SEQ:n} (zero-padded to n digits), "
            "e.g. INV-{YYYY}-{SEQ:4}."
        }

    def _get_validation_exclusions(self) -> set[str]:
        # The one-default-per-kind rule is kept by the service, which hands "default" over;
        # django-stubs omit this private hook, the one place a ModelForm skips a constraint.
        inherited = super()._get_validation_exclusions()  # type: ignore[misc]
        return {*inherited, "is_default"}
