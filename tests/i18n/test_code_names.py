"""Currency and country select boxes in the UI language (#19): CLDR's names, sorted for it,
the submitted values still the ISO codes."""

from __future__ import annotations

from html import unescape

from babel import Locale
from django.urls import reverse
from django.utils import translation

from invoicetron.accounts.models import User
from invoicetron.billing.countries import country_choices
from invoicetron.billing.currencies import currency_choices
from invoicetron.billing.locale_names import sort_key
from invoicetron.billing.models import Client
from tests.fixtures.languages import speaking

GERMAN = Locale.parse("de")


def options(page: str, select_name: str) -> list[tuple[str, str]]:
    """(value, label) of each option of the select named `select_name`."""
    start = page.index(f'name="{select_name}"')
    select = page[start : page.index("</select>", start)]
    found = []
    for chunk in select.split("<option value=")[1:]:
        value = chunk.split('"')[1]
        label = chunk.split(">", 1)[1].split("</option>")[0]
        found.append((value, unescape(label)))
    return found


def test_the_client_form_names_currencies_and_countries_in_german(owner: User) -> None:
    page = speaking(owner, "de").get(reverse("billing:client_new")).content.decode()
    currencies = dict(options(page, "currency"))
    countries = dict(options(page, "country"))
    assert currencies["CHF"] == f"{GERMAN.currencies['CHF']} (CHF)" == "Schweizer Franken (CHF)"
    assert countries["FR"] == f"{GERMAN.territories['FR']} (FR)" == "Frankreich (FR)"
    assert countries["DE"] == "Deutschland (DE)"
    assert "Swiss Franc" not in page and ">France (FR)<" not in page


def test_the_names_are_sorted_for_the_language_and_the_codes_kept(owner: User) -> None:
    page = speaking(owner, "de").get(reverse("billing:client_new")).content.decode()
    countries = options(page, "country")[1:]  # after the blank choice
    names = [label for _code, label in countries]
    assert names == sorted(names, key=sort_key)
    # Ö sorts among the O in German dictionaries, not after Z.
    assert names.index("Oman (OM)") < names.index("Österreich (AT)") < names.index("Pakistan (PK)")
    assert len(countries) == 249 and {code for code, _label in countries} >= {"FR", "DE", "CH"}


def test_a_client_saved_from_the_german_form_keeps_the_codes(owner: User) -> None:
    web = speaking(owner, "de")
    response = web.post(
        reverse("billing:client_new"),
        {
            "name": "Uhrwerk AG",
            "currency": "CHF",
            "country": "CH",
            "language": "de",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Client.objects.get(name="Uhrwerk AG")
    assert (saved.currency, saved.country) == ("CHF", "CH")


def test_each_language_gets_its_own_names(owner: User) -> None:
    for language, swiss_franc in (
        ("en", "Swiss Franc"),
        ("fr", "franc suisse"),
        ("es", "franco suizo"),
    ):
        page = speaking(owner, language).get(reverse("billing:client_new")).content.decode()
        assert dict(options(page, "currency"))["CHF"] == f"{swiss_franc} (CHF)"


def test_other_select_boxes_name_currencies_in_the_ui_language(owner: User) -> None:
    web = speaking(owner, "de")
    pages = {
        "business settings": reverse("billing:settings"),
        "exchange rates": reverse("billing:rates"),
        "new invoice": reverse("billing:invoice_new"),
        "new recurring schedule": reverse("automation:schedule_new"),
        "new quote": reverse("quotes:new"),
    }
    for name, url in pages.items():
        page = web.get(url).content.decode()
        assert "Schweizer Franken (CHF)" in page, name
        assert "Swiss Franc" not in page, name


def test_the_choices_are_built_once_per_language() -> None:
    with translation.override("de"):
        first = currency_choices()
        assert currency_choices() is first
        assert country_choices.names()["FR"] == "Frankreich"
    with translation.override("fr"):
        assert currency_choices() is not first
        assert country_choices.names()["DE"] == "Allemagne"


def test_the_client_page_prints_the_country_in_the_ui_language(owner: User) -> None:
    record = Client.objects.create(name="Dupont SARL", city="Lyon", country="FR")
    page = speaking(owner, "de").get(reverse("billing:client", args=[record.pk]))
    assert "Frankreich" in unescape(page.content.decode())
