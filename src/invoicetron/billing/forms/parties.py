"""Client, contact and product forms (ModelForms: the models' own checks run on them)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.currencies import currency_choices
from invoicetron.billing.forms.einvoice import (
    OTHER,
    PARTY_FIELDS,
    UNIT_CODE_CHOICES,
    UNIT_CODES,
    EInvoicePartyForm,
    clean_unit_code,
)
from invoicetron.billing.forms.widgets import number_input
from invoicetron.billing.models import Client, Contact, Product, TaxRate


class ClientForm(EInvoicePartyForm):
    SECTIONS = (
        ("", "", ()),
        (
            _("E-invoicing"),
            _(
                "What e-invoices to this client need: its structured address, identifiers and "
                "the reference it asks invoices to carry. Each invoice keeps a copy when it is "
                "issued."
            ),
            (*PARTY_FIELDS, "buyer_reference"),
        ),
    )
    currency = forms.ChoiceField(
        choices=currency_choices.with_blank(_("The business's base currency")),
        required=False,
        label=_("Currency"),
    )
    language = forms.ChoiceField(
        choices=[("", _("The business's language")), *settings.LANGUAGES],
        required=False,
        label=_("Document language"),
        help_text=_("Its invoices, quotes, emails and public pages are written in it."),
    )

    class Meta:
        model = Client
        fields = (
            "name",
            "billing_address",
            "currency",
            "language",
            "payment_terms_days",
            "notes",
            *PARTY_FIELDS,
            "buyer_reference",
        )
        labels: ClassVar = {
            "name": _("Name"),
            "billing_address": _("Billing address"),
            "payment_terms_days": _("Payment terms (days)"),
            "notes": _("Notes"),
            "buyer_reference": _("Buyer reference"),
        }
        help_texts: ClassVar = {
            "payment_terms_days": _("Blank: the business's default terms."),
            "billing_address": _("As printed on documents. Blank: the structured address."),
            "buyer_reference": _(
                "The reference this client asks for (BT-10), copied to each new invoice. German "
                "public buyers (XRechnung) give their Leitweg-ID here."
            ),
        }
        widgets: ClassVar = {
            "billing_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("name", "email", "phone", "is_primary")
        labels: ClassVar = {
            "name": _("Name"),
            "email": _("Email"),
            "phone": _("Phone"),
            "is_primary": _("Primary"),
        }


ContactFormSet = forms.inlineformset_factory(
    Client, Contact, form=ContactForm, extra=1, can_delete=True, max_num=50, absolute_max=50
)


class ProductForm(forms.ModelForm):
    default_taxes = forms.ModelMultipleChoiceField(
        queryset=TaxRate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Default taxes"),
    )
    unit_code = forms.ChoiceField(
        choices=UNIT_CODE_CHOICES,
        required=False,
        label=_("Unit code"),
        help_text=_("The UN/ECE Rec. 20 code e-invoices give the quantity in."),
    )
    unit_code_other = forms.CharField(
        required=False,
        max_length=3,
        label=_("Other unit code"),
        help_text=_("2 or 3 capital letters or digits, e.g. E48 (service unit) or SET."),
    )

    class Meta:
        model = Product
        fields = ("name", "description", "unit", "unit_code", "unit_price", "default_taxes")
        labels: ClassVar = {
            "name": _("Name"),
            "description": _("Description"),
            "unit": _("Unit"),
            "unit_price": _("Unit price"),
        }
        help_texts: ClassVar = {"unit": _("hour, day, piece…")}
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "unit_price": number_input(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["default_taxes"]
        current = self.instance.default_taxes.all() if self.instance.pk else TaxRate.objects.none()
        field.queryset = TaxRate.objects.filter(active=True) | current  # type: ignore[attr-defined]
        # A new product's field holds the database default (an object, not text) until saved.
        code = self.instance.unit_code if self.instance.pk else ""
        if code and code not in UNIT_CODES:  # a code typed in earlier: shown as "other"
            self.initial.update({"unit_code": OTHER, "unit_code_other": code})
        self.order_fields([*self.Meta.fields[:4], "unit_code_other"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        other = cleaned.get("unit_code_other", "")
        if cleaned.get("unit_code") == OTHER:
            try:
                cleaned["unit_code"] = clean_unit_code(other)
            except forms.ValidationError as error:
                self.add_error("unit_code_other", error)
        elif other.strip():
            self.add_error("unit_code_other", _('Choose "Other code…" above, or clear this box.'))
        return cleaned
