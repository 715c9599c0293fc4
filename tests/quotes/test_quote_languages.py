"""The quote pages speak the user's language (#19): the list, a quote's page and its actions'
messages, in German, French and Spanish; English stays the default."""

from __future__ import annotations

import datetime

from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.quotes.models import Quote
from invoicetron.quotes.services import accept_quote
from tests.fixtures.forms import text_of
from tests.fixtures.languages import speaking

FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def text(web: WebClient, url: str) -> str:
    response = web.get(url)
    assert response.status_code == 200
    return text_of(response.content.decode())


def test_the_quote_list_is_in_german(owner: User, sent: Quote) -> None:
    page = text(speaking(owner, "de"), reverse("quotes:list"))
    assert "Angebote" in page and "Neues Angebot" in page
    assert "Gültig bis" in page and "Gesendet am" in page
    # The status badge and the filter's choices come from the model's choices.
    assert "Gesendet" in page and "Jeder Status" in page and "Angenommen" in page
    assert sent.number in page and "Valid until" not in page and "New quote" not in page


def test_the_quote_list_stays_english_without_a_choice(owner: User, sent: Quote) -> None:
    web = WebClient()
    web.force_login(owner)
    page = text(web, reverse("quotes:list"))
    assert "Quotes" in page and "Valid until" in page and "Angebote" not in page


def test_an_accepted_quote_says_so_in_french_with_a_french_month(owner: User, sent: Quote) -> None:
    accept_quote(sent, by=owner, via="user")
    page = text(speaking(owner, "fr"), reverse("quotes:detail", args=[sent.pk]))
    today = datetime.datetime.now(datetime.UTC).date()
    month = FRENCH_MONTHS[today.month - 1]
    assert f"Devis {sent.number}" in page and "Convertir en facture" in page
    assert f"Ce devis a été accepté le {today.day} {month} {today.year}." in page
    assert "Total HT" in page and "Lignes" in page


def test_a_refused_action_and_a_done_one_speak_spanish(owner: User, sent: Quote) -> None:
    web = speaking(owner, "es")
    # Converting a quote not yet accepted is refused beside the actions, in Spanish.
    refused = web.post(reverse("quotes:act", args=[sent.pk, "convert"]))
    assert refused.status_code == 400
    assert "Solo un presupuesto aceptado se convierte en factura." in text_of(
        refused.content.decode()
    )
    done = web.post(reverse("quotes:act", args=[sent.pk, "accept"]), follow=True)
    assert f"El presupuesto {sent.number} está aceptado." in text_of(done.content.decode())


def test_the_email_panel_of_a_sent_quote_speaks_german(owner: User, sent: Quote) -> None:
    web = speaking(owner, "de")
    page = text(web, reverse("quotes:detail", args=[sent.pk]))
    assert "Per E-Mail senden" in page and "Noch keine E-Mail gesendet." in page
    assert "Öffentliche Links" in page and "Kein aktiver Link." in page
    # Sending to nobody is refused beside the recipients, in German; nothing is queued.
    refused = web.post(reverse("messaging:send", args=["quote", sent.pk]), {})
    assert refused.status_code == 400
    assert "Wählen Sie mindestens einen Empfänger." in text_of(refused.content.decode())
    queued = web.post(
        reverse("messaging:send", args=["quote", sent.pk]),
        {"recipients": "ap@globex.example"},
        follow=True,
    )
    done = text_of(queued.content.decode())
    assert "E-Mail an ap@globex.example in die Warteschlange gestellt." in done
    assert "Angebot " + sent.number in done and "In der Warteschlange" in done
