"""A line's unit code (UN/ECE Rec. 20, BT-130): a stand-in until einv-writers' units.py lands."""

from __future__ import annotations

WORDS = {
    "hour": "HUR",
    "hours": "HUR",
    "h": "HUR",
    "hr": "HUR",
    "day": "DAY",
    "days": "DAY",
}


def unit_code(unit_text: str, explicit_code: str = "") -> str:
    """The explicit code, else the code of a common unit word, else C62 (one, a piece)."""
    if explicit_code:
        return explicit_code.upper()
    return WORDS.get((unit_text or "").strip().lower(), "C62")
