"""The deposit form of the quote page and the invoice draft page: a percent or an amount."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from invoicetron.billing.forms.widgets import decimal_text


class DepositForm(forms.Form):
    """Either field; the service says which one is missing or wrong (billing.services.deposits)."""

    percent = decimal_text(required=False, help_text=_("For example 30 for 30 %."))
    amount = decimal_text(required=False, help_text=_("Part of the total, tax included."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["percent"].label = _("Percent of the total")
        self.fields["amount"].label = _("Or an amount")
