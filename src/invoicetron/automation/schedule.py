"""Dates of a recurring schedule (pure): occurrence n counts from the start, never from the
previous date, so a schedule starting on the 31st gives 28 Feb, then 31 Mar again."""

from __future__ import annotations

import calendar
import datetime

MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def occurrence(start: datetime.date, frequency: str, n: int) -> datetime.date:
    if frequency == "weekly":
        return start + datetime.timedelta(weeks=n)
    months = start.month - 1 + n * MONTHS[frequency]
    year, month = start.year + months // 12, months % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
