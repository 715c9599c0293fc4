"""In Chromium: a user switches the UI to German on their settings page, sees the navigation, the
settings page and a form error in German, then goes back to English."""

from __future__ import annotations

from typing import Any

import pytest

from invoicetron.accounts.models import User
from tests.fixtures.browser import screenshot, sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def navigation(page: Any) -> list[str]:
    return page.locator("nav.nav > a").all_inner_texts()


def test_switching_the_ui_to_german_and_back(live_server: Any, page: Any, owner: User) -> None:
    base = live_server.url
    sign_in(page, base)
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Invoices" in navigation(page)

    page.get_by_role("link", name="Olivia Owner").click()
    page.get_by_role("heading", name="Your settings").wait_for()
    page.get_by_label("Language").select_option(label="Deutsch")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("heading", name="Ihre Einstellungen").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"
    assert page.locator(".message.success").inner_text() == "Ihre Einstellungen sind gespeichert."
    assert navigation(page)[:7] == [
        "Start",
        "Rechnungen",
        "Gutschriften",
        "Angebote",
        "Wiederkehrend",
        "Kunden",
        "Produkte",
    ]
    assert page.get_by_role("link", name="Einstellungen").is_visible()
    assert page.get_by_role("button", name="Abmelden").is_visible()
    assert page.get_by_label("Sprache").input_value() == "de"

    # A form error, in German: the name is required.
    page.get_by_label("Ihr Name").fill("")
    page.get_by_role("button", name="Speichern").click()
    error = page.locator(".field-error .errorlist").inner_text()
    assert error == (
        "Geben Sie Ihren Namen ein: Er erscheint auf den Seiten und im Änderungsprotokoll."
    )
    screenshot(page, "settings-in-german")

    # The German owner's settings tabs, then back to English.
    page.get_by_role("link", name="Einstellungen").click()
    page.get_by_role("link", name="Benutzer").click()
    page.get_by_role("heading", name="Einstellungen").wait_for()
    assert page.get_by_role("link", name="Neuer Benutzer").is_visible()

    page.get_by_role("link", name="Olivia Owner").click()
    page.get_by_label("Sprache").select_option(label="English")
    page.get_by_role("button", name="Speichern").click()
    page.get_by_role("heading", name="Your settings").wait_for()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Invoices" in navigation(page) and "Rechnungen" not in navigation(page)
    owner.refresh_from_db()
    assert owner.language == "en"

    # Signed out, the sign-in page keeps the language the user chose last (the cookie).
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in").wait_for()

    # Before signing in, the switcher under the form picks another language.
    page.get_by_label("Language").select_option(label="Français")
    page.get_by_role("button", name="Change").click()
    page.get_by_role("heading", name="Se connecter").wait_for()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Mot de passe oublié ?").is_visible()
