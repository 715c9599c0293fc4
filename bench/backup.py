"""Backup and restore timings: Invoicetron's commands against plain pg_dump/pg_restore."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.server import Database, cli
from invoicetron.ops.embedded import create_database, postgres_bin_dir
from invoicetron.ops.k8s import compare, database

DUMP_ROUNDS = 2


def timed(action: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = action()
    return result, round(time.monotonic() - started, 2)


def plain(tool: str, *args: str) -> None:
    subprocess.run([str(postgres_bin_dir() / tool), *args], check=True, capture_output=True)


def measure(db: Database, env: dict[str, str]) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="invoicetron-bench-dumps-"))
    results: dict[str, Any] = {}
    # Interleaved, the best of DUMP_ROUNDS each: one dump of each measured a checkpoint or an
    # autovacuum of the fresh data as much as the backup's own overhead (±10 % run to run).
    plain_runs: list[float] = []
    app_runs: list[float] = []
    for _ in range(DUMP_ROUNDS):
        plain_runs.append(
            timed(
                lambda: plain("pg_dump", "--format=custom", f"--file={work / 'plain.dump'}", db.url)
            )[1]
        )
        info, seconds = timed(lambda: database.dump(db.url, work / "app.dump"))
        app_runs.append(seconds)
    results["pg_dump_runs_s"], results["dump_and_verify_runs_s"] = plain_runs, app_runs
    results["pg_dump_s"], results["dump_and_verify_s"] = min(plain_runs), min(app_runs)
    results["dump_mib"] = round(info.size / 2**20, 1)
    where = ("--database-url", db.url, "--backup-dir", str(work / "cli"))
    _, results["k8s_backup_now_s"] = timed(lambda: cli(env, "k8s", "backup", "now", *where))
    create_database(db.admin_url(), "plain_restore")
    _, results["pg_restore_s"] = timed(
        lambda: plain(
            "pg_restore", "--no-owner", f"--dbname={db.url_of('plain_restore')}", str(info.path)
        )
    )
    create_database(db.admin_url(), "app_restore")
    target = db.url_of("app_restore")
    _, results["restore_s"] = timed(lambda: database.restore(info.path, target))
    rows, results["compare_s"] = timed(lambda: compare.compare(db.url, target))
    results["restore_and_compare_s"] = round(results["restore_s"] + results["compare_s"], 2)
    results["tables_compared"] = sum(1 for row in rows if row.kind == "table")
    results["all_identical"] = not compare.differences(rows)
    results["backup_overhead_pct"] = round(
        100 * (results["dump_and_verify_s"] / results["pg_dump_s"] - 1), 1
    )
    return results
