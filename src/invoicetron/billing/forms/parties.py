"""Client, contact and product forms (ModelForms: the models' own checks run on them)."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms

from invoicetron.billing.currencies import CURRENCY_CHOICES
from invoicetron.billing.forms.widgets import number_input
from invoicetron.billing.models import Client, Contact, Product, TaxRate


class ClientForm(forms.ModelForm):
    currency = forms.ChoiceField(
        choices=[("", "The business's base currency"), *CURRENCY_CHOICES], required=False
    )

    class Meta:
        model = Client
        fields = ("name", "billing_address", "tax_id", "currency", "payment_terms_days", "notes")
        labels: ClassVar = {"payment_terms_days": "Payment terms (days)"}
        help_texts: ClassVar = {"payment_terms_days": "Blank: the business's default terms."}
        widgets: ClassVar = {
            "billing_address": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ("name", "email", "phone", "is_primary")
        labels: ClassVar = {"is_primary": "Primary"}


ContactFormSet = forms.inlineformset_factory(
    Client, Contact, form=ContactForm, extra=1, can_delete=True, max_num=50, absolute_max=50
)


class ProductForm(forms.ModelForm):
    default_taxes = forms.ModelMultipleChoiceField(
        queryset=TaxRate.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Product
        fields = ("name", "description", "unit", "unit_price", "default_taxes")
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "unit_price": number_input(),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["default_taxes"]
        current = self.instance.default_taxes.all() if self.instance.pk else TaxRate.objects.none()
        field.queryset = TaxRate.objects.filter(active=True) | current  # type: ignore[attr-defined]
