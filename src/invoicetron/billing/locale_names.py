"""Select-box choices for codes (currencies, countries) named in the active UI language.

The names are CLDR's, from Babel (`Locale.currencies`, `Locale.territories`); a code CLDR does
not name keeps its English name from our own table. Each language's list is built once per
process and kept (a dict by language): the tables are fixed, so nothing ever makes it stale.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise

Choices = list[tuple[str, str]]


def sort_key(name: str) -> str:
    """A name's place in a list: letters without their accents, case ignored ("Österreich"
    among the O, "États-Unis" among the E), close to how de/fr/es dictionaries order names."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def cldr_locale(language: str) -> Locale:
    """Babel's locale for a Django language code ("de", "pt-br"); English when CLDR lacks it."""
    try:
        return Locale.parse(translation.to_locale(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


class LocalizedChoices:
    """`(code, "Name (CODE)")` pairs in the active language, sorted by name for that language.

    Call it for the list; Django's choice fields accept the instance itself (or `with_blank`'s
    callable) as `choices` and call it each time a form renders or validates, so one form class
    serves every language."""

    def __init__(self, english: Mapping[str, str], cldr_table: str) -> None:
        self.english = dict(english)
        self.cldr_table = cldr_table  # the Locale attribute naming the codes
        self.names_by_language: dict[str, dict[str, str]] = {}
        self.choices_by_language: dict[str, Choices] = {}

    def __call__(self) -> Choices:
        language = self.language()
        return self.choices_by_language[language]

    def names(self) -> dict[str, str]:
        """code → name in the active language."""
        return self.names_by_language[self.language()]

    def language(self) -> str:
        """The active language, its names and choices built on first use."""
        language = translation.get_language() or settings.LANGUAGE_CODE
        if language not in self.choices_by_language:
            cldr: Mapping[str, str] = getattr(cldr_locale(language), self.cldr_table)
            names = {code: cldr.get(code) or english for code, english in self.english.items()}
            ordered = sorted(names.items(), key=lambda item: (sort_key(item[1]), item[0]))
            self.names_by_language[language] = names
            self.choices_by_language[language] = [
                (code, f"{name} ({code})") for code, name in ordered
            ]
        return language

    def with_blank(self, label: str | Promise) -> Callable[[], list[tuple[str, str | Promise]]]:
        """Choices for an optional field: `label` for the blank value, then the codes."""
        return lambda: [("", label), *self()]
