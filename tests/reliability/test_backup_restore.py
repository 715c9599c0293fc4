"""A backup of billing data restored into an empty server: every table the same, row for row.

tests/ops covers the commands on a database holding accounts only; this one holds invoices,
lines, taxes, payments, credit notes, the audit trail and counters (invoicetron demo-data).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from invoicetron.ops.embedded import create_database
from invoicetron.ops.k8s.compare import summarize
from tests.fixtures.processes import (
    cli_environment,
    remove_embedded_server,
    run_cli,
    start_embedded_server,
)
from tests.reliability.server import Prepared

pytestmark = pytest.mark.slow

BILLING_TABLES = (
    "billing_invoice",
    "billing_invoiceline",
    "billing_invoiceline_taxes",
    "billing_payment",
    "billing_creditnote",
    "billing_creditnoteline",
    "billing_auditevent",
    "billing_numbercounter",
)


def test_billing_data_restored_into_an_empty_server_has_identical_counts_and_checksums(
    prepared: Prepared,
    tmp_path: Path,
    standin: Path,
) -> None:
    empty = start_embedded_server("restore-target")
    try:
        create_database(empty.get_uri(database="postgres"), "invoicetron")
        target = str(empty.get_uri(database="invoicetron"))
        where = ("--backup-dir", str(tmp_path))
        env = cli_environment()
        taken = run_cli("k8s", "backup", "now", "--database-url", prepared.url, *where, env=env)
        assert taken.returncode == 0, taken.stderr
        kubectl = ("--kubectl", str(standin))
        restored = run_cli(
            "k8s", "restore", "latest", "--database-url", target, *where, *kubectl, "--yes", env=env
        )
        assert restored.returncode == 0, restored.stderr
        assert "all identical" in restored.stdout

        source, copy = summarize(prepared.url), summarize(target)
    finally:
        remove_embedded_server(empty)

    assert source == copy
    for table in BILLING_TABLES:
        assert source[f"public.{table}"].rows > 0, f"{table} holds data to compare"
