"""Every write to a billing table moves the change marker, without the writer doing anything."""

from __future__ import annotations

import psycopg
import pytest
from django.apps import apps
from django.db import connection

from invoicetron.billing.caching import change_marker
from invoicetron.billing.models import Client
from tests.fixtures import factories
from tests.fixtures.processes import shared_database_url


@pytest.mark.django_db
def test_every_billing_table_has_the_change_marker_trigger() -> None:
    models = apps.get_app_config("billing").get_models(include_auto_created=True)
    tables = {model._meta.db_table for model in models}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text FROM pg_trigger"
            " WHERE tgfoid = 'billing_mark_change'::regproc"
        )
        marked = {table for (table,) in cursor.fetchall()}
    # A new billing table needs `CREATE TRIGGER … EXECUTE FUNCTION billing_mark_change()` in
    # its migration (see billing/migrations/0006_change_marker_triggers.py).
    assert tables - marked == set()


@pytest.mark.django_db(transaction=True)
def test_insert_update_and_delete_from_another_connection_move_the_marker() -> None:
    globex = factories.client("Globex")
    columns = [f.column for f in Client._meta.concrete_fields if not f.primary_key]
    copied = ", ".join("'Copy'" if column == "name" else column for column in columns)
    statements = [
        (
            f"INSERT INTO billing_client ({', '.join(columns)}) SELECT {copied}"  # noqa: S608 - column names from the model
            " FROM billing_client WHERE id = %s",
            [globex.pk],
        ),
        ("UPDATE billing_client SET name = 'Globex Renamed' WHERE id = %s", [globex.pk]),
        ("DELETE FROM billing_client WHERE name = 'Copy'", []),
    ]
    with psycopg.connect(shared_database_url(), autocommit=True) as elsewhere:
        for sql, params in statements:
            before = change_marker()
            elsewhere.execute(sql, params)
            assert change_marker() > before, sql
