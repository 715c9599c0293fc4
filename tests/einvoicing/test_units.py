"""Unit codes (UN/ECE Rec. 20) from the free-text units people type, or the explicit code."""

from __future__ import annotations

import pytest

from invoicetron.einvoicing.units import WORD_CODES, unit_code


@pytest.mark.parametrize(
    ("unit_text", "code"),
    [
        ("hour", "HUR"),
        ("Hours", "HUR"),
        ("h", "HUR"),
        ("hr.", "HUR"),
        ("Stunden", "HUR"),
        ("day", "DAY"),
        (" days ", "DAY"),
        ("week", "WEE"),
        ("month", "MON"),
        ("minute", "MIN"),
        ("kg", "KGM"),
        ("piece", "C62"),
        ("pcs", "C62"),
        ("item", "C62"),
        ("", "C62"),
        ("lump  sum", "LS"),
    ],
)
def test_common_words_map_to_their_code(unit_text: str, code: str) -> None:
    assert unit_code(unit_text, "") == code


def test_an_explicit_code_wins_over_the_word() -> None:
    assert unit_code("hours", "DAY") == "DAY"
    assert unit_code("", " kgm ") == "KGM"


def test_an_unknown_word_is_one_unit() -> None:
    assert unit_code("bananas", "") == "C62"
    assert unit_code("  ", "   ") == "C62"


def test_every_known_word_maps_to_a_three_or_two_letter_code() -> None:
    assert all(code.isalnum() and 2 <= len(code) <= 3 for code in WORD_CODES.values())
