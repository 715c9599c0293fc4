"""The owner chooses another user's UI language (#19), as that user can on "Your settings"."""

from __future__ import annotations

from html import unescape

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from tests.fixtures.languages import speaking


def test_the_owner_sets_a_members_language_and_the_member_gets_french_pages(
    owner: User, colleague: User
) -> None:
    web = speaking(owner, "de")
    form = unescape(web.get(reverse("users:language", args=[colleague.pk])).content.decode())
    assert "Sprache" in form and "Français" in form
    response = web.post(reverse("users:language", args=[colleague.pk]), {"language": "fr"})
    assert response.status_code == 302
    colleague.refresh_from_db()
    assert colleague.language == "fr"
    listing = unescape(web.get(reverse("users:list")).content.decode())
    assert "Français" in listing  # the list shows each user's language

    member = WebClient()
    member.force_login(colleague)
    member.cookies["django_language"] = "en"  # a cookie left from before does not outrank it
    page = unescape(member.get(reverse("billing:invoices")).content.decode())
    assert "<h1>Factures</h1>" in page


def test_a_language_the_ui_does_not_speak_is_refused(owner: User, colleague: User) -> None:
    response = speaking(owner, "en").post(
        reverse("users:language", args=[colleague.pk]), {"language": "xx"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    colleague.refresh_from_db()
    assert colleague.language == ""


def test_blank_goes_back_to_the_business_default(owner: User, colleague: User) -> None:
    colleague.language = "es"
    colleague.save(update_fields=["language"])
    speaking(owner, "en").post(reverse("users:language", args=[colleague.pk]), {"language": ""})
    colleague.refresh_from_db()
    assert colleague.language == ""


def test_a_member_cannot_set_languages(owner: User, colleague: User) -> None:
    response = speaking(colleague, "en").post(
        reverse("users:language", args=[owner.pk]), {"language": "fr"}
    )
    assert response.status_code in (302, 403)
    owner.refresh_from_db()
    assert owner.language == ""


def test_a_new_user_can_be_created_with_a_language(owner: User) -> None:
    response = speaking(owner, "en").post(
        reverse("users:new"),
        {
            "full_name": "Marie Curie",
            "email": "marie@example.com",
            "password": "a long and unusual passphrase 42",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(email="marie@example.com").language == "fr"
