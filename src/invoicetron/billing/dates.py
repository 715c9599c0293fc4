"""Dates: "today" where the business is, and the range of dates the app accepts anywhere.

"Today" is the business's date (its profile's time zone), never the server's: an invoice due
today is not overdue yet in Auckland while the server's UTC clock already says tomorrow.

Dates outside the range are typing mistakes (forms, API, reports), and refusing them keeps date
arithmetic (aging buckets, due dates, time zone offsets) in Python's and PostgreSQL's range.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.core.exceptions import ValidationError
from django.utils import timezone

# The model module, not the package: billing.models imports this module (Invoice.is_overdue).
from invoicetron.billing.models.setup import BusinessProfile

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


def business_today(
    profile: BusinessProfile | None = None, *, at: datetime.datetime | None = None
) -> datetime.date:
    """Today's date where the business is (its time zone), not where the server is; with `at`,
    that moment's date there (the day a quote was accepted, as the business and client say it)."""
    if profile is None:
        # Only the time zone is needed: reading one column keeps lists from loading the whole
        # profile (the logo included) on every request. No profile yet means UTC, the default.
        time_zone = BusinessProfile.objects.values_list("time_zone", flat=True).first() or "UTC"
    else:
        time_zone = profile.time_zone
    return local_date(time_zone, at)
