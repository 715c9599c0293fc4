"""The recurring list's pages: every schedule once, however many share a name."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client as WebClient
from django.urls import reverse

from invoicetron.automation.models import Frequency, RecurringInvoice
from tests.fixtures import factories

pytestmark = pytest.mark.django_db


def test_every_schedule_is_on_exactly_one_page_when_names_repeat(as_owner: WebClient) -> None:
    client = factories.client()
    RecurringInvoice.objects.bulk_create(
        RecurringInvoice(
            name=f"Retainer {n % 3}",
            client=client,
            frequency=Frequency.MONTHLY,
            start_date=datetime.date(2026, 1, 1),
            active=n % 4 != 0,
        )
        for n in range(60)
    )
    seen: list[int] = []
    for number in (1, 2, 3):
        response = as_owner.get(reverse("automation:recurring"), {"page": number})
        assert response.status_code == 200
        seen += [schedule.pk for schedule in response.context["page"]]
    assert sorted(seen) == sorted(RecurringInvoice.objects.values_list("pk", flat=True))
