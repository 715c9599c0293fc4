"""The automation pages speak the user's language (#19): the recurring invoice form and its
errors, a schedule's page and the reminder settings, in German, French and Spanish."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from invoicetron.accounts.models import User
from invoicetron.automation import recurring
from invoicetron.automation.models import RecurringInvoice, ReminderStep
from tests.fixtures import factories
from tests.fixtures.forms import field_errors, schedule_post, text_of
from tests.fixtures.languages import speaking

pytestmark = pytest.mark.django_db


def test_a_schedule_ending_before_it_starts_is_refused_in_german(owner: User) -> None:
    web = speaking(owner, "de")
    data = schedule_post(factories.client(), start_date="2026-03-31", end_date="2026-01-01")
    response = web.post(reverse("automation:schedule_new"), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Das Enddatum darf nicht vor dem Start liegen." in field_errors(html, "id_end_date")
    page = text_of(html)
    assert "Neue wiederkehrende Rechnung" in page and "Häufigkeit" in page
    assert "Wiederkehrende Rechnung speichern" in page and "Automatisch ausstellen" in page
    # The frequency's choices come from the model, the help texts from the form.
    assert "Monatlich" in page and "Leer: kein Ende." in page
    assert "New recurring invoice" not in page and "before the start" not in page
    assert not RecurringInvoice.objects.exists()


def test_a_schedule_saved_in_french_is_confirmed_and_shown_in_french(owner: User) -> None:
    web = speaking(owner, "fr")
    client = factories.client()
    saved = web.post(reverse("automation:schedule_new"), schedule_post(client), follow=True)
    page = text_of(saved.content.decode())
    assert "La facture récurrente « Monthly retainer » est enregistrée." in page
    schedule = RecurringInvoice.objects.get()
    recurring.run_due(datetime.datetime(2026, 2, 5, 12, tzinfo=datetime.UTC))
    page = text_of(web.get(reverse("automation:schedule", args=[schedule.pk])).content.decode())
    assert "mensuelle, à partir du 31 janvier 2026" in page
    assert "Prochaine facture 28 février 2026" in page and "Factures créées" in page


def test_the_reminder_settings_speak_spanish(owner: User) -> None:
    ReminderStep.objects.create(days=7)
    ReminderStep.objects.create(days=-1)
    web = speaking(owner, "es")
    page = text_of(web.get(reverse("automation:reminders")).content.decode())
    assert "Recordatorios" in page and "Recargo por demora" in page
    assert "7 días después del vencimiento" in page and "1 día antes del vencimiento" in page
    response = web.post(
        reverse("automation:reminder_new"),
        {"days": "3", "late_fee": "fixed", "late_fee_value": "", "active": "on"},
    )
    assert response.status_code == 400
    errors = field_errors(response.content.decode(), "id_late_fee_value")
    assert "Introduzca el recargo o elija «Sin recargo»." in errors
