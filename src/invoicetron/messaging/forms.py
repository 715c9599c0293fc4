"""Forms of the email pages: sending a document, editing a template."""

from __future__ import annotations

from typing import Any

from django import forms

from invoicetron.messaging.models import MessageKind

COMMON = ("number", "client.name", "business.name", "total", "link")
PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    MessageKind.INVOICE: (*COMMON, "issue_date", "due_date", "balance_due"),
    MessageKind.CREDIT_NOTE: (*COMMON, "issue_date", "invoice_number"),
    MessageKind.QUOTE: (*COMMON, "issue_date", "valid_until"),
    MessageKind.REMINDER: (*COMMON, "due_date", "balance_due", "days"),
}


class SendForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one recipient."},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = choices  # type: ignore[attr-defined]


class TemplateForm(forms.Form):
    subject = forms.CharField(max_length=200)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}))
