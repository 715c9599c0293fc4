"""The language of the pages: the user's choice, else the language cookie, else the business's
default, else the browser's Accept-Language; the sign-in page follows the browser."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext

from invoicetron.accounts.models import User
from invoicetron.accounts.password_reset import send_reset_email
from tests.fixtures import factories

pytestmark = pytest.mark.django_db

COOKIE = settings.LANGUAGE_COOKIE_NAME


def html_lang(response: Any) -> str:
    found = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert found, "the page names its language"
    return found[1]


def heading(response: Any) -> str:
    found = re.search(r"<h1>([^<]+)</h1>", response.content.decode())
    assert found, "the page has a heading"
    return found[1]


def test_accept_language_fr_gives_a_french_sign_in_page(owner: User) -> None:
    response = WebClient().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
    assert response.status_code == 200
    assert html_lang(response) == "fr"
    assert response["Content-Language"] == "fr"
    page = response.content.decode()
    assert heading(response) == "Se connecter"
    assert "Mot de passe oublié ?" in page
    assert re.search(r'<label for="id_password">Mot de passe\W*</label>', page)  # the labels too


def test_without_accept_language_the_sign_in_page_is_english(owner: User) -> None:
    response = WebClient().get("/accounts/login/")
    assert html_lang(response) == "en"
    assert heading(response) == "Sign in"


def test_a_wrong_password_is_refused_in_the_browsers_language(owner: User) -> None:
    response = WebClient().post(
        "/accounts/login/",
        {"username": "owner@example.com", "password": "not-it"},
        HTTP_ACCEPT_LANGUAGE="es",
        REMOTE_ADDR="203.0.113.9",
    )
    assert "no corresponden a ninguna cuenta" in response.content.decode()


def test_the_sign_in_pages_switcher_sets_the_language_cookie(owner: User) -> None:
    web = WebClient()
    response = web.post(
        "/accounts/language/",
        {"language": "de", "next": "/accounts/login/"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert web.cookies[COOKIE].value == "de"
    # The cookie outranks the browser's language.
    page = web.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")
    assert (html_lang(page), heading(page)) == ("de", "Anmelden")


def test_a_users_choice_beats_accept_language(colleague: User) -> None:
    colleague.language = "de"
    colleague.save()
    web = WebClient()
    web.force_login(colleague)
    response = web.get("/accounts/settings/", HTTP_ACCEPT_LANGUAGE="fr")
    assert html_lang(response) == "de"
    assert heading(response) == "Ihre Einstellungen"
    assert response["Content-Language"] == "de"


def test_a_users_choice_beats_the_cookie_and_the_business_default(colleague: User) -> None:
    factories.business(locale="es_ES")
    colleague.language = "fr"
    colleague.save()
    web = WebClient()
    web.force_login(colleague)
    web.cookies[COOKIE] = "de"
    assert heading(web.get("/accounts/settings/")) == "Vos paramètres"


def test_the_business_default_applies_to_a_user_with_none(colleague: User) -> None:
    factories.business(locale="es_ES")
    web = WebClient()
    web.force_login(colleague)
    response = web.get("/accounts/settings/", HTTP_ACCEPT_LANGUAGE="fr")
    assert html_lang(response) == "es"
    assert heading(response) == "Sus ajustes"
    # The business default is for signed-in users; the sign-in page follows the browser.
    assert html_lang(WebClient().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")) == "fr"


def test_the_cookie_beats_the_business_default(colleague: User) -> None:
    factories.business(locale="es_ES")
    web = WebClient()
    web.force_login(colleague)
    web.cookies[COOKIE] = "de"
    assert html_lang(web.get("/accounts/settings/", HTTP_ACCEPT_LANGUAGE="fr")) == "de"


def test_a_new_business_default_applies_at_once(colleague: User) -> None:
    profile = factories.business(locale="de_DE")
    web = WebClient()
    web.force_login(colleague)
    assert html_lang(web.get("/accounts/settings/")) == "de"
    profile.locale = "fr_CA"
    profile.save()
    assert html_lang(web.get("/accounts/settings/")) == "fr"


def test_a_business_locale_the_ui_does_not_speak_falls_back_to_the_browser(
    colleague: User,
) -> None:
    factories.business(locale="ja_JP")
    web = WebClient()
    web.force_login(colleague)
    assert html_lang(web.get("/accounts/settings/", HTTP_ACCEPT_LANGUAGE="fr")) == "fr"
    assert html_lang(web.get("/accounts/settings/")) == "en"


def test_choosing_the_language_costs_no_query(colleague: User, owner: User) -> None:
    """The saved language comes with the user the request loads anyway, and the business default
    from the cache: a page costs the same queries whichever way its language was chosen."""
    factories.business(locale="de_DE")
    owner.language = "de"
    owner.save()
    by_default, by_choice = WebClient(), WebClient()
    by_default.force_login(colleague)
    by_choice.force_login(owner)
    by_default.get("/accounts/settings/")  # the first request reads the business's locale
    captured = []
    for web in (by_default, by_choice):
        with CaptureQueriesContext(connection) as queries:
            response = web.get("/accounts/settings/")
        assert html_lang(response) == "de"
        captured.append([query["sql"] for query in queries.captured_queries])
    assert len(captured[0]) == len(captured[1])
    assert not any("billing_businessprofile" in sql for sql in captured[0])


def test_saving_a_language_on_the_settings_page(colleague: User) -> None:
    web = WebClient()
    web.force_login(colleague)
    page = web.get("/accounts/settings/")
    assert heading(page) == "Your settings"
    options = re.findall(r'<option value="([^"]*)"', page.content.decode())
    assert options == ["", "en", "de", "fr", "es"]
    response = web.post(
        "/accounts/settings/", {"full_name": "Carl Colleague", "language": "fr"}, follow=True
    )
    colleague.refresh_from_db()
    assert colleague.language == "fr"
    assert web.cookies[COOKIE].value == "fr"  # the sign-in page keeps it after signing out
    assert heading(response) == "Vos paramètres"
    assert "Vos paramètres sont enregistrés." in response.content.decode()
    # Back to the business's default: the choice and the cookie both go.
    response = web.post("/accounts/settings/", {"full_name": "Carl Colleague", "language": ""})
    colleague.refresh_from_db()
    assert colleague.language == ""
    assert response.cookies[COOKIE].value == ""
    assert response.cookies[COOKIE]["max-age"] == 0


def test_the_settings_page_refuses_a_blank_name_and_an_unknown_language(
    colleague: User,
) -> None:
    colleague.language = "de"
    colleague.save()
    web = WebClient()
    web.force_login(colleague)
    response = web.post("/accounts/settings/", {"full_name": "", "language": "xx"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Geben Sie Ihren Namen ein: Er erscheint auf den Seiten" in page
    assert "Bitte eine gültige Auswahl treffen" in page  # Django's own message, in German too
    colleague.refresh_from_db()
    assert (colleague.full_name, colleague.language) == ("Carl Colleague", "de")


def test_the_settings_page_needs_a_signed_in_user() -> None:
    response = WebClient().get("/accounts/settings/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_navigation_labels_follow_the_language(owner: User) -> None:
    owner.language = "fr"
    owner.save()
    web = WebClient()
    web.force_login(owner)
    page = web.get("/settings/users/").content.decode()
    for label in ("Factures", "Avoirs", "Devis", "Clients", "Paramètres", "Utilisateurs"):
        assert f">{label}</a>" in page, label
    assert "Se déconnecter" in page


def test_the_password_reset_email_speaks_the_users_language(colleague: User, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    colleague.language = "es"
    colleague.save()
    assert send_reset_email(colleague.pk, "de")
    [email] = mail.outbox
    assert email.subject == "Restablezca su contraseña de Invoicetron"
    assert email.body.startswith("Hola, Carl Colleague:")
    # Without a choice of their own: the language of the page where the link was asked for.
    colleague.language = ""
    colleague.save()
    assert send_reset_email(colleague.pk, "de")
    assert mail.outbox[1].subject == "Setzen Sie Ihr Invoicetron-Passwort zurück"
