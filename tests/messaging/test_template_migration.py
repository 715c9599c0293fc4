"""The data migration: saved templates move to plain placeholders, stored links lose their token."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("messaging", "0001_initial")]
AFTER = [("messaging", "0002_plain_values_and_redacted_links")]
OLD_BODY = "Dear {{ client.name|upper }}, see client.name below.\n{% if client.name %}x{% endif %}"
TOKEN = "Xk3v9Qd0_Lm2Rt7Yp5Wz8Nb4Hc6Jg1Fa-Sd2e3oPQ"


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_state(transactional_db: None) -> Iterator[Any]:
    yield migrate(BEFORE)
    migrate(executor_leaf())


def executor_leaf() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def test_saved_templates_and_stored_links_are_migrated(old_state: Any) -> None:
    old_state.get_model("messaging", "EmailTemplate").objects.create(
        kind="invoice",
        subject="Invoice {{ number }} from {{ business.name }}",
        body=OLD_BODY,
    )
    old_state.get_model("messaging", "Delivery").objects.create(
        kind="invoice",
        document_type="billing.invoice",
        document_id=1,
        document_label="INV-1",
        subject="Invoice INV-1",
        body=f"View it online: https://invoicetron.test/p/{TOKEN}/\n",
    )
    new_state = migrate(AFTER)

    template = new_state.get_model("messaging", "EmailTemplate").objects.get()
    assert template.subject == "Invoice {{ number }} from {{ business_name }}"
    assert template.body == (
        "Dear {{ client_name|upper }}, see client.name below.\n{% if client_name %}x{% endif %}"
    )
    body = new_state.get_model("messaging", "Delivery").objects.get().body
    assert body == "View it online: https://invoicetron.test/p/…3oPQ/\n"
    assert TOKEN not in body
