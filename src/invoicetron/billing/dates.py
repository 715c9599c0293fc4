"""The range of dates the app accepts anywhere (forms, API, reports).

Dates outside it are typing mistakes, and refusing them keeps date arithmetic (aging buckets,
due dates, time zone offsets) in Python's and PostgreSQL's range.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

FIRST_DATE, LAST_DATE = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)
OUT_OF_RANGE = f"Dates must be between {FIRST_DATE} and {LAST_DATE}."


def validate_date_in_range(value: datetime.date) -> None:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")
