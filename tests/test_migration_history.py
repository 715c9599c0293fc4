"""A database migrated by a released Invoicetron upgrades: no migration is ever inserted before
one that shipped. Django refuses to migrate a database where a migration is recorded as applied
before one of its dependencies (InconsistentMigrationHistory), so a new migration must come after
every released one of its app, never between them.

RELEASED lists what each landed main shipped (a stop's migrations); add a stop's list when its
migrations change. The check reads the current migration graph: each released migration's
dependencies must all be released ones too.
"""

from __future__ import annotations

import pytest
from django.db.migrations.loader import MigrationLoader

# Stop 25 (main 58ddf02): languages, refunds and exchange rates, before deposits and documents
# in the client's language.
STOP_25 = {
    "accounts": ["0001_initial", "0002_two_factor", "0003_user_language"],
    "api": ["0001_initial"],
    "automation": [
        "0001_initial",
        "0002_webhook_events_may_be_empty",
        "0003_failures_and_schedule_rates",
        "0004_recurring_document_discount",
        "0005_sending_status",
    ],
    "billing": [
        "0001_initial",
        "0002_immutability_triggers",
        "0003_audit_action_labels",
        "0004_invoice_list_index_narrow_rows",
        "0005_legal_numbers_unique_per_kind",
        "0006_change_marker_triggers",
        "0007_search_trigram_indexes",
        "0008_tax_summary",
        "0009_einvoice_fields",
        "0010_zero_rates_category",
        "0011_client_summary_and_owed_index",
        "0012_list_search_indexes",
        "0014_refunds_and_client_credit",
        "0016_exchange_rates",
    ],
    "messaging": ["0001_initial", "0002_plain_values_and_redacted_links", "0003_sending_status"],
    "portal": ["0001_initial"],
    "quotes": [
        "0001_initial",
        "0002_line_and_discount_constraints",
        "0003_einvoice_fields",
        "0004_list_search_indexes",
    ],
    "reports": ["0001_initial", "0002_report_indexes", "0003_import_runs"],
}
RELEASED = {"stop 25": STOP_25}


@pytest.mark.parametrize("stop", RELEASED)
def test_a_released_installation_can_migrate_to_this_version(stop: str) -> None:
    shipped = {(app, name) for app, names in RELEASED[stop].items() for name in names}
    graph = MigrationLoader(None, ignore_no_migrations=True).graph  # the files, no database
    assert shipped <= set(graph.nodes), "a released migration was renamed or removed"
    inserted = sorted(
        f"{app}.{name} depends on {parent_app}.{parent}, which {stop} did not ship"
        for app, name in shipped
        for parent_app, parent in graph.node_map[(app, name)].parents
        if parent_app in RELEASED[stop] and (parent_app, parent) not in shipped
    )
    assert not inserted, (
        "an installation of that version would stop with InconsistentMigrationHistory; give "
        "the new migration the next number after the released ones:\n" + "\n".join(inserted)
    )
