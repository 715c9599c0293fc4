"""Which language the pages speak: the user's, the browser's or the business's.

Django's LocaleMiddleware picks the language cookie, else the browser's Accept-Language. For a
signed-in user this middleware (after AuthenticationMiddleware) then decides, in this order:
1. the language the user saved (accounts.User.language);
2. the language cookie (the sign-in page's switcher sets it, and so does saving a language);
3. the business's default: the language part of BusinessProfile.locale ("de_DE" → "de");
4. what LocaleMiddleware chose from Accept-Language.
Signed-out pages (the sign-in page) keep the cookie or the browser's language.

It lives in billing, the lowest layer that knows both the user (accounts) and the business
profile. The user is the one AuthenticationMiddleware loaded already, and the business default
is kept in the `default` cache, so choosing costs no query on a request.

`ui_locale()` is the CLDR locale the pages write amounts, numbers and dates in (the filters of
billing/templatetags/billing.py and reports' tags, through billing/formatting.py): the business's
own locale when it speaks the active language (an en_GB or de_CH business keeps its
conventions), else the active language's usual locale (UI_LOCALES).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.db.models.signals import post_save
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from invoicetron.billing.formatting import ui_amount
from invoicetron.billing.models import BusinessProfile

CACHE = "default"
BUSINESS_LANGUAGE_KEY = "billing:business-language"
BUSINESS_LOCALE_KEY = "billing:business-locale"
# Each process keeps its own copy (local-memory caches): another process sees an owner's new
# default at most this long after it was saved; the saving process sees it at once.
BUSINESS_LANGUAGE_SECONDS = 60


def supported_language(code: str) -> str | None:
    """The UI language for a language code or CLDR locale id ("de_DE", "fr-CA", "es"), or None
    when the UI does not speak it."""
    language = code.replace("_", "-").split("-")[0].lower()
    if not language:
        return None
    try:
        return translation.get_supported_language_variant(language)
    except LookupError:
        return None


def business_language() -> str | None:
    """The business's default UI language (from its profile's locale), kept for a minute."""
    kept = caches[CACHE].get(BUSINESS_LANGUAGE_KEY)
    if kept is None:
        kept = keep_business_language(stored_business_locale())
    return kept or None


def business_locale() -> str:
    """The business's CLDR locale ("" before a profile exists), kept like its language."""
    kept = caches[CACHE].get(BUSINESS_LOCALE_KEY)
    if kept is None:
        kept = stored_business_locale()
        keep_business_language(kept)
    return str(kept)


def stored_business_locale() -> str:
    found = BusinessProfile.objects.filter(singleton=True).values_list("locale", flat=True).first()
    return found or ""


def keep_business_language(locale: str) -> str:
    """Keep `locale` and its default language ("" for none: the cache cannot keep None apart
    from a miss) and return the language."""
    language = supported_language(locale) or ""
    caches[CACHE].set_many(
        {BUSINESS_LANGUAGE_KEY: language, BUSINESS_LOCALE_KEY: locale}, BUSINESS_LANGUAGE_SECONDS
    )
    return language


# The locale each UI language writes in when the business's locale speaks another language (or
# names no country). English keeps what its pages always showed: "7 December 2026", "1,234.50".
UI_LOCALES = {"en": "en_GB", "de": "de_DE", "fr": "fr_FR", "es": "es_ES"}


def ui_locale() -> str:
    """The CLDR locale of the pages now: see the module docstring."""
    return locale_for_language(
        translation.get_language() or settings.LANGUAGE_CODE, business_locale()
    )


@lru_cache(maxsize=64)
def locale_for_language(language: str, business: str) -> str:
    """`business` when it names a country and speaks `language`, else `language`'s usual one."""
    spoken = supported_language(language) or settings.LANGUAGE_CODE
    if "_" in business and supported_language(business) == spoken:
        return business
    return UI_LOCALES.get(spoken, UI_LOCALES["en"])


def business_profile_saved(instance: BusinessProfile, **_signal: object) -> None:
    """A saved profile replaces the kept default at once, without a query (connected to
    BusinessProfile's post_save in billing's ready(), so every way of saving it counts). A save
    rolled back afterwards leaves its language kept for BUSINESS_LANGUAGE_SECONDS at most."""
    keep_business_language(instance.locale)


def connect_business_language() -> None:
    post_save.connect(
        business_profile_saved, sender=BusinessProfile, dispatch_uid=BUSINESS_LANGUAGE_KEY
    )


def chosen_language(request: HttpRequest) -> str | None:
    """The language a signed-in user's pages use, or None to keep LocaleMiddleware's choice."""
    user = request.user
    if not user.is_authenticated:
        return None
    saved = supported_language(getattr(user, "language", ""))
    if saved:
        return saved
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in dict(settings.LANGUAGES):
        return None  # LocaleMiddleware has activated the cookie's language already
    return business_language()


class UserLanguageMiddleware:
    """Activates the signed-in user's language (see the module docstring for the order)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        if not language:
            return self.get_response(request)
        # Only for this request: the thread goes back to LocaleMiddleware's choice afterwards,
        # so nothing run later in it (a test, a job) inherits a user's language.
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        # LocaleMiddleware's response step keeps a Content-Language already set.
        response.headers.setdefault("Content-Language", language)
        return response


def shown_amount(value: Decimal, currency: str, *, with_code: bool = True) -> str:
    """`value` as the pages write amounts now (`formatting.ui_amount` in `ui_locale()`), for the
    messages views and services show: "1.234,50 EUR" on a German page."""
    return ui_amount(value, currency, ui_locale(), with_code=with_code)
