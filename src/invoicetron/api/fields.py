"""Types shared by the API schemas: ids, decimal strings, bounded dates, and the error shape."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, StringConstraints, field_validator

from invoicetron.billing import formatting, money
from invoicetron.billing.dates import FIRST_DATE, LAST_DATE, OUT_OF_RANGE

MAX_ID = 2**63 - 1
MAX_PAGE_SIZE = 100

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
# Exact decimals travel as strings ("1234.50"): JSON numbers are floats in most clients.
DECIMAL_PATTERN = r"^-?[0-9]{1,18}(\.[0-9]{1,10})?$"
DecimalString = Annotated[
    str,
    StringConstraints(pattern=DECIMAL_PATTERN, max_length=30),
    Field(examples=["1234.50"], description="An exact decimal number, as a string."),
]
CurrencyCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    Field(examples=["EUR"], description="ISO 4217 currency code."),
]
Text = Annotated[str, StringConstraints(max_length=10_000)]
ShortText = Annotated[str, StringConstraints(max_length=200)]


def _within_range(value: datetime.date) -> datetime.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(OUT_OF_RANGE)
    return value


def _aware_within_range(value: datetime.datetime) -> datetime.datetime:
    _within_range(value.date())
    if value.tzinfo is None:
        return value.replace(tzinfo=datetime.UTC)
    # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 and Python allow.
    return value.astimezone(datetime.UTC)


Date = Annotated[datetime.date, AfterValidator(_within_range)]
DateTime = Annotated[datetime.datetime, AfterValidator(_aware_within_range)]


class Input(Schema):
    """The base of every request body and query: text may not hold a NUL character.

    PostgreSQL cannot store U+0000 in text, so such a value would fail at the database as a
    500; refused here, it is a 422 naming the field (Django's form fields refuse it too)."""

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul_characters(cls, value: Any) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("Remove the NUL character (\\u0000): text cannot contain it.")
        return value


def amount(value: Decimal, currency: str) -> str:
    """A money amount with exactly its currency's minor digits: "1234.50"."""
    return str(money.round_to_minor_unit(value, currency))


def plain(value: Decimal | None) -> str | None:
    """A quantity, price or rate without trailing zeros or exponent: "1.5", "100"."""
    return None if value is None else formatting.plain(value)


class FieldError(Schema):
    path: str = Field(examples=["lines.0.quantity"])
    message: str


class ErrorDetail(Schema):
    code: str = Field(examples=["validation_error"])
    message: str
    fields: list[FieldError] = Field(default_factory=list)


class ErrorOut(Schema):
    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int, Any]:
    return dict.fromkeys(statuses, ErrorOut)


# Every operation may answer these; each router adds its own.
COMMON_ERRORS = (400, 401, 403, 422, 503)


def pdf_response(description: str) -> dict[str, Any]:
    """OpenAPI for an operation that answers a PDF (its errors stay JSON)."""
    return {
        "responses": {
            200: {
                "description": description,
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    }
