"""Forms of the email pages: sending a document, editing a template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from invoicetron.messaging.templates import validate_template


class SendForm(forms.Form):
    recipients = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one recipient.")},
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipients"].choices = choices  # type: ignore[attr-defined]


class TemplateForm(forms.Form):
    """A template of one kind: refused when it uses anything but that kind's placeholders."""

    subject = forms.CharField(max_length=200, label=_("Subject"))
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "subject" in cleaned and "body" in cleaned:
            try:
                validate_template(self.kind, cleaned["subject"], cleaned["body"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return cleaned
