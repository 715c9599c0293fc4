"""The e-invoice fields of the business and client forms: checks of identifiers and codes.

EN 16931 and Peppol refuse an invoice whose codes are not from their lists, so the forms check
each identifier when it is typed, not when an invoice is issued: country codes (ISO 3166-1,
billing.countries), VAT ids, IBAN, BIC and the identifiers of the common electronic address
schemes (check digits from `python-stdnum`), UN/ECE Rec. 20 unit codes and VATEX reason codes.
Each `clean_*` function takes the typed text and returns it in its stored form, or raises a
`forms.ValidationError` that says what to fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _
from stdnum import bic, ean, get_cc_module, iban
from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError as NumberError

from invoicetron.billing.countries import country_choices

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The VAT prefixes that are not ISO country codes: Greece (EL) and Northern Ireland (XI).
EU_VAT_PREFIXES = frozenset({*eu_vat.MEMBER_STATES, "el", "xi"})
# 2 letters, then 2 to 13 letters and digits (BR-CO-09: a VAT id starts with its country).
VAT_ID_SHAPE = re.compile(r"^[A-Z]{2}[0-9A-Z]{2,13}$")
UNIT_CODE_SHAPE = re.compile(r"^[A-Z0-9]{2,3}$")
LEITWEG_ID_SHAPE = re.compile(r"^[0-9]{2,12}(-[0-9A-Z]{1,30})?-[0-9]{2}$")
OTHER = "other"


# UN/ECE Recommendation 20 codes most invoices need (BT-130); any other code is typed in.
UNIT_CODES = {
    "C62": _("C62: one (unit)"),
    "H87": _("H87: piece"),
    "HUR": _("HUR: hour"),
    "MIN": _("MIN: minute"),
    "DAY": _("DAY: day"),
    "WEE": _("WEE: week"),
    "MON": _("MON: month"),
    "ANN": _("ANN: year"),
    "KGM": _("KGM: kilogram"),
    "MTR": _("MTR: metre"),
    "KMT": _("KMT: kilometre"),
    "LTR": _("LTR: litre"),
    "LS": _("LS: lump sum"),
}
UNIT_CODE_CHOICES = [
    ("", _("From the unit text (hour → HUR…)")),
    *UNIT_CODES.items(),
    (OTHER, _("Other code…")),
]


def clean_unit_code(code: str) -> str:
    code = code.strip().upper()
    if not UNIT_CODE_SHAPE.fullmatch(code):
        raise forms.ValidationError(
            _(
                "Enter a UN/ECE Recommendation 20 unit code: 2 or 3 capital letters or digits, "
                "e.g. HUR for hour or C62 for one."
            )
        )
    return code


def clean_vat_id(text: str) -> str:
    """A VAT id with its country prefix, its check digits verified where the prefix is known.

    A number that does not start with two letters is a tax number of a country without VAT ids
    (a US EIN, a German Steuernummer): it is kept as typed, since refusing it would stop those
    owners from saving their profile; e-invoices then ask for a VAT id where a category needs
    one (einvoicing.parties.vat_id)."""
    number = re.sub(r"[\s.\-/]", "", text).upper()
    if not number:
        return ""
    if not number[:2].isalpha():
        return text.strip()
    if not VAT_ID_SHAPE.fullmatch(number):
        raise forms.ValidationError(
            _(
                "Start the VAT id with its two-letter country code, then its 2 to 13 letters "
                "and digits, e.g. DE123456789 or FR40303265045."
            )
        )
    prefix = number[:2].lower()
    if prefix in EU_VAT_PREFIXES:
        valid = eu_vat.is_valid(number)
    elif (module := get_cc_module(prefix, "vat")) is not None:
        valid = module.is_valid(number) or module.is_valid(number[2:])
    else:
        valid = True  # no published check for this country: the shape is all we can check
    if not valid:
        raise forms.ValidationError(
            _(
                "%(number)s is not a valid %(country)s VAT id: its length or check digits are "
                "wrong. Copy it from a VAT registration or a received invoice."
            )
            % {"number": number, "country": prefix.upper()}
        )
    return number


def clean_iban(text: str) -> str:
    try:
        return str(iban.validate(text)) if text.strip() else ""
    except NumberError as error:
        raise forms.ValidationError(
            _(
                "This is not a valid IBAN: check the country code, the length and the two check "
                "digits, e.g. DE89 3704 0044 0532 0130 00."
            )
        ) from error


def clean_bic(text: str) -> str:
    try:
        return str(bic.validate(text)) if text.strip() else ""
    except NumberError as error:
        raise forms.ValidationError(
            _(
                "A BIC has 8 or 11 characters: bank (4 letters), country (2), location (2) and "
                "optionally a branch (3), e.g. DEUTDEFF or DEUTDEFF500."
            )
        ) from error


# -- Electronic addresses (EAS schemes, BT-34 / BT-49) -------------------------------------------


def _checked(module: Any, what: StrOrPromise) -> Callable[[str], str]:
    def check(identifier: str) -> str:
        try:
            return str(module.validate(identifier))
        except NumberError as error:
            raise forms.ValidationError(
                _("This is not a valid %(what)s.") % {"what": what}
            ) from error

    return check


def _email(identifier: str) -> str:
    try:
        validate_email(identifier)
    except forms.ValidationError as error:
        raise forms.ValidationError(_("Enter the email address e-invoices go to.")) from error
    return identifier


def _leitweg_id(identifier: str) -> str:
    identifier = identifier.upper()
    if not LEITWEG_ID_SHAPE.fullmatch(identifier):
        raise forms.ValidationError(
            _(
                "A Leitweg-ID has a coarse address (2 to 12 digits), an optional fine address "
                "and 2 check digits, separated by hyphens, e.g. 04011000-1234512345-06."
            )
        )
    return identifier


def _vat_endpoint(country: str) -> Callable[[str], str]:
    def check(identifier: str) -> str:
        compact = re.sub(r"[\s.\-]", "", identifier).upper()
        return clean_vat_id(compact if compact.startswith(country) else country + compact)

    return check


def _digits(count: int, what: StrOrPromise) -> Callable[[str], str]:
    def check(identifier: str) -> str:
        compact = re.sub(r"[\s.\-]", "", identifier)
        if not (compact.isdigit() and len(compact) == count):
            raise forms.ValidationError(
                _("%(what)s has %(count)s digits.") % {"what": what, "count": count}
            )
        return compact

    return check


def _stdnum(country: str, name: str, what: StrOrPromise) -> Callable[[str], str]:
    module = get_cc_module(country, name)
    if module is None:  # at import: a python-stdnum upgrade that dropped a module fails loudly
        raise ImportError(f"python-stdnum lacks {country}.{name}")
    return _checked(module, what)


# The schemes most owners use, with the check of their identifiers. The whole EAS list has ~200
# codes; these cover Peppol's common ones, national VAT numbers and email.
ENDPOINT_SCHEMES: dict[str, tuple[StrOrPromise, Callable[[str], str]]] = {
    "0088": (_("0088: GLN (GS1 global location number)"), _checked(ean, _("13-digit GLN"))),
    "0002": (_("0002: SIREN (France)"), _stdnum("fr", "siren", _("9-digit SIREN"))),
    "0009": (_("0009: SIRET (France)"), _stdnum("fr", "siret", _("14-digit SIRET"))),
    "0007": (
        _("0007: organisation number (Sweden)"),
        _stdnum("se", "orgnr", _("Swedish org number")),
    ),
    "0060": (_("0060: DUNS number"), _digits(9, _("A DUNS number"))),
    "0106": (_("0106: KvK number (Netherlands)"), _digits(8, _("A KvK number"))),
    "0184": (_("0184: CVR number (Denmark)"), _stdnum("dk", "cvr", _("Danish CVR number"))),
    "0192": (
        _("0192: organisation number (Norway)"),
        _stdnum("no", "orgnr", _("Norwegian org number")),
    ),
    "0204": (_("0204: Leitweg-ID (German public buyers)"), _leitweg_id),
    "0208": (
        _("0208: enterprise number (Belgium)"),
        _stdnum("be", "vat", _("Belgian company number")),
    ),
    "0211": (_("0211: partita IVA (Italy)"), _stdnum("it", "iva", _("partita IVA"))),
    "9914": (_("9914: VAT number (Austria)"), _vat_endpoint("AT")),
    "9920": (_("9920: VAT number (Spain)"), _vat_endpoint("ES")),
    "9925": (_("9925: VAT number (Belgium)"), _vat_endpoint("BE")),
    "9930": (_("9930: VAT number (Germany)"), _vat_endpoint("DE")),
    "9938": (_("9938: VAT number (Luxembourg)"), _vat_endpoint("LU")),
    "9944": (_("9944: VAT number (Netherlands)"), _vat_endpoint("NL")),
    "9957": (_("9957: VAT number (France)"), _vat_endpoint("FR")),
    "EM": (_("EM: email address"), _email),
}
ENDPOINT_SCHEME_CHOICES = [
    ("", _("None")),
    *((code, label) for code, (label, _check) in ENDPOINT_SCHEMES.items()),
]


def clean_endpoint(scheme: str, identifier: str) -> tuple[str, str]:
    """(scheme, identifier) both blank or both set, the identifier checked for its scheme; the
    errors are keyed by field for `add_error`."""
    identifier = identifier.strip()
    if not scheme and not identifier:
        return "", ""
    if not scheme:
        raise forms.ValidationError(
            {"endpoint_scheme": _("Choose the scheme of this electronic address.")}
        )
    if not identifier:
        raise forms.ValidationError({"endpoint_id": _("Enter the identifier of this scheme.")})
    if scheme not in ENDPOINT_SCHEMES:  # a code kept from before the list changed
        raise forms.ValidationError({"endpoint_scheme": _("Choose one of the listed schemes.")})
    _label, check = ENDPOINT_SCHEMES[scheme]
    try:
        return scheme, check(identifier)
    except forms.ValidationError as error:
        raise forms.ValidationError({"endpoint_id": error.messages}) from error


# -- The shared form part ------------------------------------------------------------------------

ADDRESS_FIELDS = ("street", "street_2", "postcode", "city", "subdivision", "country")
PARTY_FIELDS = (*ADDRESS_FIELDS, "tax_id", "registration_id", "endpoint_scheme", "endpoint_id")
PARTY_LABELS = {
    "street": _("Street and number"),
    "street_2": _("Additional street line"),
    "postcode": _("Postcode"),
    "city": _("City"),
    "subdivision": _("State or region"),
    "country": _("Country"),
    "tax_id": _("VAT id"),
    "registration_id": _("Legal registration id"),
    "endpoint_scheme": _("Endpoint scheme (EAS)"),
    "endpoint_id": _("Endpoint id"),
}
PARTY_HELP = {
    "tax_id": _("With its country prefix, e.g. DE123456789. Its check digits are verified."),
    "endpoint_scheme": _("How e-invoice networks such as Peppol reach this party."),
    "endpoint_id": _("The identifier in that scheme: a GLN, a VAT number, an email address…"),
}


class EInvoicePartyForm(forms.ModelForm):
    """The structured address, VAT and registration ids and electronic address of the business
    profile and of a client (their models share these fields)."""

    # (title, help, field names) of the page's fieldsets; see `sections`.
    SECTIONS: tuple[tuple[StrOrPromise, StrOrPromise, tuple[str, ...]], ...] = (("", "", ()),)

    country = forms.ChoiceField(
        choices=country_choices.with_blank("—"),
        required=False,
        help_text=_("ISO 3166-1 code; e-invoices need it."),
    )
    endpoint_scheme = forms.ChoiceField(
        choices=ENDPOINT_SCHEME_CHOICES, required=False, label=PARTY_LABELS["endpoint_scheme"]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PARTY_LABELS.items():
            self.fields[name].label = label
        for name, text in PARTY_HELP.items():
            self.fields[name].help_text = text

    def clean_tax_id(self) -> str:
        return clean_vat_id(self.cleaned_data.get("tax_id", ""))

    def add_error(self, field: str | None, error: Any) -> None:
        """Errors keyed by field (the model's checks arrive so) skip the fields the form refused
        already: a refused field keeps its stored value on the instance, so the model would add
        a second, misleading message (e.g. "enter the electronic address" beside "not a valid
        GLN")."""
        if field is None and isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            kept = {k: v for k, v in error.error_dict.items() if k not in self.errors}
            if not kept:
                return
            error = ValidationError(kept)
        super().add_error(field, error)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if "endpoint_scheme" in self.errors or "endpoint_id" in self.errors:
            return cleaned
        try:
            scheme, identifier = clean_endpoint(
                cleaned.get("endpoint_scheme", ""), cleaned.get("endpoint_id", "")
            )
        except forms.ValidationError as error:
            self.add_error(None, error)
        else:
            cleaned["endpoint_scheme"], cleaned["endpoint_id"] = scheme, identifier
        return cleaned

    def sections(self) -> list[tuple[StrOrPromise, StrOrPromise, list[forms.BoundField]]]:
        """(title, help, fields) of each fieldset the page shows: the first gets every field the
        others (`SECTIONS[1:]`) do not name, in the form's order."""
        later = {name for _title, _help, names in self.SECTIONS[1:] for name in names}
        first = [name for name in self.fields if name not in later]
        return [
            (title, text, [self[name] for name in (first if index == 0 else names)])
            for index, (title, text, names) in enumerate(self.SECTIONS)
        ]
