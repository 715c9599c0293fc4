"""Which language and locale a document speaks: the client's language, the business's locale.

- `LOCALE_CHOICES` — the locales the business form offers (any CLDR locale id is accepted).
- `checked_locale(value) -> str` — a CLDR locale id, normalised (`de-de` → `de_DE`);
  ValidationError saying what to type for an unknown one.
- `language_of(locale) -> str` — the UI/document language (one of settings.LANGUAGES) a locale
  speaks: `de_AT` → `de`; a locale in a language Invoicetron does not speak → the default.
- `DocumentLocale(language, locale)` and `for_client(client, profile)` — what a document to that
  client uses now (a draft, a quote, an email about one); `of_snapshot(snapshot)` — what an
  issued document froze (older snapshots, taken before languages: the business's locale they
  carry, else the default).
- `speaking(document_locale)` — a context manager: Django's translations in its language.

Why the locale follows the client's country when the language differs from the business's: a
French-speaking client in Belgium reads `fr_BE` figures, and Babel knows which pairs exist.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from babel import Locale, UnknownLocaleError, localedata
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

LOCALE_IDS = (
    "en",
    "en_GB",
    "en_US",
    "en_IE",
    "en_CA",
    "en_AU",
    "de_DE",
    "de_AT",
    "de_CH",
    "fr_FR",
    "fr_BE",
    "fr_CH",
    "fr_CA",
    "fr_LU",
    "es_ES",
    "es_MX",
    "es_AR",
    "es_US",
)
# Each locale named in its own language: "Deutsch (Österreich)", what its speakers look for.
LOCALE_CHOICES = [
    (code, f"{Locale.parse(code).get_display_name(code)} ({code})") for code in LOCALE_IDS
]
DEFAULT_LANGUAGE = "en"


def checked_locale(value: Any) -> str:
    """`value` as a CLDR locale id Babel knows, normalised: `de-de` → `de_DE`, `EN` → `en`."""
    text = str(value or "").strip().replace("-", "_")
    try:
        return str(Locale.parse(text))
    except (UnknownLocaleError, ValueError, TypeError) as error:
        raise ValidationError(
            _(
                "“%(value)s” is not a locale we know: use a language code with an optional "
                "country, e.g. en, en_GB, de_DE, fr_FR, es_ES."
            ),
            code="locale",
            params={"value": text[:32]},
        ) from error


def language_of(locale: str) -> str:
    """The language of `locale` among settings.LANGUAGES, else the default (English)."""
    language = (locale or "").replace("-", "_").partition("_")[0].lower()
    return language if language in dict(settings.LANGUAGES) else DEFAULT_LANGUAGE


@dataclass(frozen=True)
class DocumentLocale:
    """A document's language (its words) and CLDR locale (its numbers, amounts and dates)."""

    language: str
    locale: str


def for_client(client: Any, business_locale: str) -> DocumentLocale:
    """What a document to `client` uses now: the client's language (blank: the business's),
    formatted the business's way when the languages agree, else the client's country's way for
    that language where CLDR has it (fr + BE → fr_BE), else the language's own (fr)."""
    business = business_locale or DEFAULT_LANGUAGE
    language = getattr(client, "language", "") or language_of(business)
    if language == language_of(business):
        return DocumentLocale(language, business)
    country = str(getattr(client, "country", "") or "").upper()
    if country and localedata.exists(f"{language}_{country}"):
        return DocumentLocale(language, f"{language}_{country}")
    return DocumentLocale(language, language)


def of_snapshot(snapshot: Mapping[str, Any]) -> DocumentLocale:
    """What an issued document froze; a snapshot from before languages reads as the business's
    locale it carries (its default language), else English."""
    business = (snapshot.get("business") or {}).get("locale") or DEFAULT_LANGUAGE
    locale = snapshot.get("locale") or business
    return DocumentLocale(snapshot.get("language") or language_of(locale), locale)


@contextmanager
def speaking(document_locale: DocumentLocale) -> Iterator[None]:
    """Translations in the document's language while rendering it (PDF, page, email)."""
    with translation.override(document_locale.language):
        yield
