"""Placing a service's ValidationError beside the fields it names.

Services key their errors by field name, and line errors like a formset with prefix "lines"
(`lines-2-quantity`), counted over the lines they were given. Forms here may hold blank or removed
rows that never reached the service, so the caller says which form each submitted line came from.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

LINE_KEY = re.compile(r"^lines-(\d+)-(\w+)$")


def place_errors(
    error: ValidationError,
    form: forms.BaseForm | None = None,
    *,
    line_forms: Sequence[forms.BaseForm] = (),
) -> list[str]:
    """Attach each message to its field; return the messages that belong to no field."""
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    loose: list[str] = []
    for key, errors in error.error_dict.items():
        messages = [message for item in errors for message in item.messages]
        match = LINE_KEY.match(key)
        if match and int(match[1]) < len(line_forms):
            target = line_forms[int(match[1])]
            field = match[2] if match[2] in target.fields else None
            target.add_error(field, messages)
        elif form is not None and key in form.fields:
            form.add_error(key, messages)
        elif key in (NON_FIELD_ERRORS, "lines", "__all__"):
            loose.extend(messages)
        else:
            label = key.replace("_", " ").capitalize()
            loose.extend(f"{label}: {message}" for message in messages)
    return loose
