"""Dates: a moment's date in a time zone, and the range of dates the app accepts anywhere.

"Today" is the business's date (`billing.models.business_today`, next to the profile that holds
its time zone), never the server's: an invoice due today is not overdue yet in Auckland while
the server's UTC clock already says tomorrow.

Dates outside the range are typing mistakes (forms, API, reports), and refusing them keeps date
arithmetic (aging buckets, due dates, time zone offsets) in Python's and PostgreSQL's range.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone

FIRST_DATE, LAST_DATE = datetime.date(1970, 1, 1), datetime.date(2999, 12, 31)
OUT_OF_RANGE = f"Dates must be between {FIRST_DATE} and {LAST_DATE}."


def validate_date_in_range(value: datetime.date) -> None:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValidationError(OUT_OF_RANGE, code="date_out_of_range")


def local_date(time_zone: str, at: datetime.datetime | None = None) -> datetime.date:
    """The date in `time_zone` at `at` (default: now); an unknown zone counts as UTC."""
    try:
        zone = zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localdate(at, timezone=zone)
