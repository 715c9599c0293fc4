"""Number patterns such as `INV-{YYYY}-{SEQ:4}`: parsing, validation and formatting (pure).

Tokens: {YYYY} four-digit year, {YY} two-digit year, {MM} two-digit month, {SEQ} or {SEQ:n} the
sequence zero-padded to n digits. The counters themselves live in models.NumberCounter and are
advanced by services.numbering inside the issuing transaction.
"""

from __future__ import annotations

import datetime
import re
from enum import StrEnum

from django.core.exceptions import ValidationError

TOKEN = re.compile(r"\{([A-Z]+)(?::(\d+))?\}")
KNOWN_TOKENS = {"YYYY", "YY", "MM", "SEQ"}
MAX_NUMBER_LENGTH = 64
# Numbers end up in file names and HTTP headers: no quotes, semicolons or line breaks.
PUNCTUATION = " -_./#()+,"
# The counter column's range (PostgreSQL integer): issuing past it is refused, never an overflow.
MAX_SEQUENCE = 2_147_483_647


class Reset(StrEnum):
    NEVER = "never"
    YEARLY = "yearly"
    MONTHLY = "monthly"


def validate_pattern(pattern: str, reset: str) -> None:
    """ValidationError (on `pattern`) unless the pattern yields unique numbers under `reset`."""
    tokens = [match.group(1) for match in TOKEN.finditer(pattern)]
    unknown = sorted(set(tokens) - KNOWN_TOKENS)
    if unknown:
        raise ValidationError(
            {"pattern": f"Unknown token {{{unknown[0]}}}. Use {{YYYY}}, {{YY}}, {{MM}}, {{SEQ:n}}."}
        )
    if tokens.count("SEQ") != 1:
        raise ValidationError({"pattern": "The pattern needs exactly one {SEQ} or {SEQ:n}."})
    stripped = TOKEN.sub("", pattern)
    if "{" in stripped or "}" in stripped:
        raise ValidationError({"pattern": "Braces are only allowed around tokens."})
    if not all(char.isalnum() or char in PUNCTUATION for char in stripped):
        raise ValidationError(
            {
                "pattern": "Besides its tokens, a pattern may hold letters, digits, spaces and "
                f"{' '.join(PUNCTUATION.strip())} only (numbers become file names)."
            }
        )
    has_year = "YYYY" in tokens or "YY" in tokens
    # A counter that restarts needs the period in the number, or numbers would repeat.
    if reset in (Reset.YEARLY, Reset.MONTHLY) and not has_year:
        raise ValidationError({"pattern": "A yearly or monthly reset needs {YYYY} or {YY}."})
    if reset == Reset.MONTHLY and "MM" not in tokens:
        raise ValidationError({"pattern": "A monthly reset needs {MM} in the pattern."})
    for match in TOKEN.finditer(pattern):
        if match.group(2) is not None and not 1 <= int(match.group(2)) <= 12:
            raise ValidationError({"pattern": "{SEQ:n} pads to between 1 and 12 digits."})


def period_key(reset: str, date: datetime.date) -> str:
    """The counter a document issued on `date` draws from: '', '2026' or '2026-03'."""
    if reset == Reset.YEARLY:
        return f"{date:%Y}"
    if reset == Reset.MONTHLY:
        return f"{date:%Y-%m}"
    return ""


def format_number(pattern: str, date: datetime.date, sequence: int) -> str:
    def replace(match: re.Match[str]) -> str:
        name, width = match.group(1), match.group(2)
        if name == "SEQ":
            return str(sequence).zfill(int(width or 1))
        return {"YYYY": f"{date:%Y}", "YY": f"{date:%y}", "MM": f"{date:%m}"}[name]

    return TOKEN.sub(replace, pattern)
