"""Keeping imported invoice numbers: read the sequence out of a number, move the counter past it.

An imported issued invoice keeps its number only if its series' pattern gives exactly that number
for its issue date (INV-{YYYY}-{SEQ:4} gives INV-2025-0042 for sequence 42 in 2025). The importer
then sets the series' counter row for that period to sequence - 1 and issues the invoice through
the billing service, which takes the next number under its usual lock: the invoice gets its own
number, and the counter ends past the highest imported number, so the next invoice issued in the
app follows it with no gap and no duplicate. Imported numbers must be above the counter: history
cannot be slipped in below numbers already used. And at most MAX_IMPORT_JUMP above it (or above
the file's previous number in that series and period): a typing mistake or a hostile file cannot
skip a million numbers or run the counter to the end of its range (MAX_SEQUENCE).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError

from invoicetron.billing.models import NumberCounter, NumberSeries
from invoicetron.billing.numbering import MAX_SEQUENCE, TOKEN, format_number, period_key

# How far one imported number may move a series' counter on (documented in the README).
MAX_IMPORT_JUMP = 1_000_000
_TOKEN_PATTERNS = {"YYYY": r"\d{4}", "YY": r"\d{2}", "MM": r"\d{2}"}


def number_regex(pattern: str) -> re.Pattern[str]:
    parts, position = [], 0
    for match in TOKEN.finditer(pattern):
        parts.append(re.escape(pattern[position : match.start()]))
        name = match.group(1)
        parts.append(r"(?P<SEQ>\d+)" if name == "SEQ" else _TOKEN_PATTERNS.get(name, r".+?"))
        position = match.end()
    parts.append(re.escape(pattern[position:]))
    return re.compile("^" + "".join(parts) + "$")


def sequence_of(series: NumberSeries, number: str, issue_date: datetime.date) -> int | None:
    """The sequence behind `number`, or None when the series would never give that number."""
    match = number_regex(series.pattern).match(number)
    if not match:
        return None
    sequence = int(match.group("SEQ"))
    if sequence < 1 or format_number(series.pattern, issue_date, sequence) != number:
        return None
    return sequence


def jump_problem(series: NumberSeries, sequence: int, last: int) -> str | None:
    """Why importing `sequence` after `last` is refused (a sentence to follow the number)."""
    if sequence - last > MAX_IMPORT_JUMP or sequence > MAX_SEQUENCE:
        return (
            f"is {sequence - last:,} numbers past the last number used in the series "
            f"“{series.name}” ({last}): an import may move a series on by at most "
            f"{MAX_IMPORT_JUMP:,} numbers. Check the number, or import the invoices before it "
            "first."
        )
    return None


def counter_values(series_ids: set[int]) -> dict[tuple[int, str], int]:
    """(series id, period) → last value used."""
    rows = NumberCounter.objects.filter(series_id__in=series_ids)
    return {(row.series_id, row.period): row.last_value for row in rows}


def prepare_counter(series: NumberSeries, issue_date: datetime.date, sequence: int) -> None:
    """Make the series' next number for this period be `sequence` (call inside the transaction)."""
    period = period_key(series.reset, issue_date)
    NumberCounter.objects.bulk_create(
        [NumberCounter(series=series, period=period)], ignore_conflicts=True
    )
    counter = NumberCounter.objects.select_for_update().get(series=series, period=period)
    if counter.last_value >= sequence:
        raise ValidationError(
            {"number": f"The series “{series.name}” is already at {counter.last_value}."}
        )
    counter.last_value = sequence - 1
    counter.save(update_fields=["last_value"])
