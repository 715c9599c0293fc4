"""Unit codes (UN/ECE Recommendation 20, BT-130) for lines whose unit is free text.

A line or product may carry an explicit code (`unit_code`); when it does not, the free-text unit
people type ("hours", "Tag", "pcs") is mapped by `unit_code` below. Only common words are known;
anything else is C62 ("one", a unit count), which every receiver accepts, so an unknown word never
blocks an e-invoice. To send a precise unit, enter its code on the product or line.
"""

from __future__ import annotations

# C62 "one": a count of units (pieces, items, licences), the fallback for every unknown word.
ONE = "C62"

# Lower-case words (English, with the German and French words owners type most) -> Rec. 20 code.
WORD_CODES: dict[str, str] = {
    **dict.fromkeys(("", "piece", "pieces", "pc", "pcs", "item", "items", "unit", "units"), ONE),
    **dict.fromkeys(("ea", "each", "x", "stück", "stk", "pièce", "pièces"), ONE),
    **dict.fromkeys(("hour", "hours", "h", "hr", "hrs", "std", "stunde", "stunden"), "HUR"),
    **dict.fromkeys(("heure", "heures"), "HUR"),
    **dict.fromkeys(("day", "days", "d", "tag", "tage", "jour", "jours"), "DAY"),
    **dict.fromkeys(("week", "weeks", "wk", "woche", "wochen", "semaine", "semaines"), "WEE"),
    **dict.fromkeys(("month", "months", "mo", "monat", "monate", "mois"), "MON"),
    **dict.fromkeys(("year", "years", "yr", "jahr", "jahre", "an", "ans", "année"), "ANN"),
    **dict.fromkeys(("minute", "minutes", "min", "mins"), "MIN"),
    **dict.fromkeys(("second", "seconds", "s", "sec", "secs"), "SEC"),
    **dict.fromkeys(("kg", "kilogram", "kilograms", "kilo", "kilos"), "KGM"),
    **dict.fromkeys(("g", "gram", "grams"), "GRM"),
    **dict.fromkeys(("t", "tonne", "tonnes", "ton", "tons"), "TNE"),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters"), "MTR"),
    **dict.fromkeys(("km", "kilometre", "kilometres", "kilometer", "kilometers"), "KMT"),
    **dict.fromkeys(("cm", "centimetre", "centimetres", "centimeter", "centimeters"), "CMT"),
    **dict.fromkeys(("m2", "m²", "sqm", "square metre", "square meter"), "MTK"),
    **dict.fromkeys(("m3", "m³", "cubic metre", "cubic meter"), "MTQ"),
    **dict.fromkeys(("l", "litre", "litres", "liter", "liters"), "LTR"),
    **dict.fromkeys(("kwh", "kilowatt hour", "kilowatt hours"), "KWH"),
    **dict.fromkeys(("page", "pages", "seite", "seiten"), "ZP"),
    **dict.fromkeys(("set", "sets"), "SET"),
    **dict.fromkeys(("pair", "pairs", "paar"), "PR"),
    **dict.fromkeys(("lump sum", "flat rate", "pauschal", "pauschale", "forfait"), "LS"),
}


def unit_code(unit_text: str, explicit_code: str = "") -> str:
    """The Rec. 20 code of a line: `explicit_code` when given (upper-cased), else the code of the
    free-text `unit_text` (case, spaces and a trailing "." ignored), else C62.

    >>> unit_code("Hours", "")
    'HUR'
    >>> unit_code("hours", "DAY")
    'DAY'
    >>> unit_code("bananas", "")
    'C62'
    """
    if explicit_code.strip():
        return explicit_code.strip().upper()
    word = " ".join(unit_text.lower().split()).rstrip(".")
    return WORD_CODES.get(word, ONE)
