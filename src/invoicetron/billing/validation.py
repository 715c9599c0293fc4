"""Input checks shared by the services; each raises ValidationError keyed by field name."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from invoicetron.billing.money import MoneyError, check_currency, decimal_places, minor_unit

# Integer digits allowed by the NUMERIC columns (see models.common).
MAX_INTEGER_DIGITS = {3: 12, 4: 14}


def as_decimal(value: Any, field: str) -> Decimal:
    """A Decimal from a Decimal, int or string; floats are refused (they are not exact)."""
    if isinstance(value, float):
        raise ValidationError({field: "Amounts must be exact decimals, not floating point."})
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({field: "Enter a number."}, code="invalid") from error
    if not number.is_finite():
        raise ValidationError({field: "Enter a number."}, code="invalid")
    return number


def checked_number(
    value: Any, field: str, *, places: int, minimum: Decimal | None = Decimal(0), label: str = ""
) -> Decimal:
    """`value` as a Decimal within the column's precision and not below `minimum`."""
    number = as_decimal(value, field)
    what = label or field.replace("_", " ").capitalize()
    if decimal_places(number) > places:
        raise ValidationError(
            {field: f"{what} allows at most {places} decimals."}, code="precision"
        )
    if abs(number) >= Decimal(10) ** MAX_INTEGER_DIGITS.get(places, 12):
        raise ValidationError({field: f"{what} is too large."}, code="too_large")
    if minimum is not None and number < minimum:
        raise ValidationError({field: f"{what} cannot be below {minimum}."}, code="min_value")
    return number


def checked_amount(value: Any, field: str, currency: str, *, label: str = "Amount") -> Decimal:
    """A money amount: not negative and with no more decimals than `currency` has."""
    places = minor_unit(currency)
    number = as_decimal(value, field)
    if decimal_places(number) > places:
        raise ValidationError(
            {field: f"{currency} amounts have {places} decimals at most."}, code="precision"
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
