"""Forms of the two-factor pages: a code (authenticator or recovery), and the owner's switch."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

WRONG_CODE = _(
    "That code is not right. Type the 6 digits your authenticator app shows now, "
    "or one of your recovery codes."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        help_text=_("The 6-digit code from your authenticator app, or a recovery code."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class PolicyForm(forms.Form):
    require = forms.BooleanField(
        label=_("Require two-factor sign-in for everyone"),
        required=False,
        help_text=_(
            "Users without it are sent to set it up when they next open a page. "
            "API tokens are not affected."
        ),
    )
