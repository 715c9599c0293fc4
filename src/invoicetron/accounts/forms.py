from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from invoicetron.accounts.models import User, normalise_email


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, with the username field presented as an email address."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label=_("Email"),
            widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
        )
        self.error_messages["invalid_login"] = _(
            "That email and password do not match an account. Check both and try again."
        )

    def clean_username(self) -> str:
        # Every spelling of an address is one account, for the password check and the lock alike.
        return normalise_email(self.cleaned_data["username"])


class SetupForm(forms.Form):
    """First run: create the owner account."""

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class UserCreateForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Give it to them in person; they can change it after signing in."),
    )
    is_owner = forms.BooleanField(required=False, label=_("Owner (manages settings and users)"))
    language = forms.ChoiceField(
        required=False,
        label=_("Language"),
        help_text=_("The language of their pages. Documents use their client's language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_ui_languages(self.fields["language"])

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this email already exists."))
        return str(email)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class ProfileForm(forms.ModelForm):
    """A user's own settings: the name shown on pages and in the audit trail, the UI language."""

    class Meta:
        model = User
        fields = ("full_name", "language")
        labels: ClassVar = {"full_name": _("Your name"), "language": _("Language")}
        error_messages: ClassVar = {
            "full_name": {
                "required": _("Enter your name: the pages and the audit trail show it."),
            }
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        offer_ui_languages(self.fields["language"])


class UserLanguageForm(forms.ModelForm):
    """The UI language the owner chooses for another user (the one "Your settings" offers)."""

    class Meta:
        model = User
        fields = ("language",)
        labels: ClassVar = {"language": _("Language")}
        help_texts: ClassVar = {
            "language": _("The language of their pages. Documents use their client's language.")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offer_ui_languages(self.fields["language"])


def offer_ui_languages(field: forms.Field) -> None:
    """The UI languages (settings.LANGUAGES), blank named as the business's default rather than
    Django's "---------"; the field refuses any other value."""
    assert isinstance(field, forms.ChoiceField)
    field.choices = [("", _("The business's default")), *settings.LANGUAGES]
