"""Tax rates of 0 % from before VAT categories become Z, so the category rules let them be
edited; other rates keep S."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from invoicetron.billing.models import TaxRate

BEFORE = "0009_einvoice_fields"
AFTER = "0010_zero_rates_category"

pytestmark = pytest.mark.slow


@pytest.fixture
def before(transactional_db: None) -> Iterator[Any]:
    call_command("migrate", "billing", BEFORE, verbosity=0)
    yield MigrationExecutor(connection).loader.project_state(("billing", BEFORE)).apps
    call_command("migrate", verbosity=0)


def test_zero_rates_become_zero_rated_and_can_be_edited(before: Any) -> None:
    old_rate = before.get_model("billing", "TaxRate")
    zero = old_rate.objects.create(name="Exports", rate=Decimal(0))
    standard = old_rate.objects.create(name="VAT", rate=Decimal(20))
    assert old_rate.objects.get(pk=zero.pk).category == "S"

    call_command("migrate", "billing", AFTER, verbosity=0)

    zero_now, standard_now = TaxRate.objects.get(pk=zero.pk), TaxRate.objects.get(pk=standard.pk)
    assert (zero_now.category, standard_now.category) == ("Z", "S")
    zero_now.full_clean()  # refused as S: a standard rate must be above 0
    zero_now.category = "S"
    with pytest.raises(ValidationError):
        zero_now.full_clean()
