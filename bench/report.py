"""The results as a markdown table, with each target beside its figure."""

from __future__ import annotations

from typing import Any

# Page → (p95 target in ms at concurrency 8, or None for no target)
TARGETS = {
    "health": None,
    "floor": None,
    "invoice list": 50,
    "invoice page": 50,
    "API list": 50,
    "dashboard": 150,
    "PDF": 400,
    "client page": 50,
    "invoice list, last page": 50,
    "API list, deep offset": 50,
    "report: sales": 1000,
    "report: tax": 1000,
    "report: tax CSV": 1000,
    "report: aging": 1000,
    "report: payments": 1000,
    "API list, deep cursor": 50,
    "invoice list, middle page": 50,
    "credit-note list": 50,
    "quote list": 50,
    "quote list, middle page": 50,
}
# Page → median target in ms at concurrency 1 (issue #20: reports ≤ 200 ms for any date range)
MEDIAN_TARGETS = {
    "report: sales": 200,
    "report: tax": 200,
    "report: tax CSV": 200,
    "report: aging": 200,
    "report: payments": 200,
}
# Page → target for its queries' time inside PostgreSQL, in ms (EXPLAIN ANALYZE, bench.queries)
POSTGRES_TARGETS = {
    "search by number": 50,
    "search by text": 50,
    "credit-note search by number": 50,
    "credit-note search by text": 50,
    "quote search by number": 50,
    "quote search by text": 50,
    "client search": 50,
}
EXPORT_ROWS_PER_SECOND = 50_000


def mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def latency_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| page | c | p50 ms | p95 ms | p99 ms | req/s | p50 / floor | errors | p95 target, c=8 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    floor = {run["concurrency"]: run for run in results["pages"]["floor"]["runs"]}
    for name, page in results["pages"].items():
        for run in page["runs"]:
            base = floor[run["concurrency"]]["p50_ms"] or 1
            errors = sum(run[k] for k in ("connect_errors", "read_errors", "timeouts", "non_2xx"))
            target = TARGETS.get(name)
            verdict = ""
            if target is not None and run["concurrency"] == 8:
                finished = run["requests"] > 0
                verdict = f"≤ {target} ms: {mark(finished and run['p95_ms'] <= target)}"
                verdict += "" if finished else " (no request finished in the run)"
            lines.append(
                f"| {name} | {run['concurrency']} | {run['p50_ms']:.1f} | {run['p95_ms']:.1f} | "
                f"{run['p99_ms']:.1f} | {run['rps']:.0f} | {run['p50_ms'] / base:.1f} | "
                f"{errors} | {verdict} |"
            )
    return lines


def ratio(figure: float, floor: float) -> str:
    share = figure / (floor or 1)
    return f"{share:,.1f}x" if share < 10 else f"{share:,.0f}x"


def verdicts(name: str, median: float | None, p95: float | None, postgres: float | None) -> str:
    checks = []
    if name in MEDIAN_TARGETS and median is not None:
        target = MEDIAN_TARGETS[name]
        checks.append(f"c=1 ≤ {target} ms: {mark(median <= target)}")
    p95_target = TARGETS.get(name)
    if p95_target is not None and p95 is not None:
        checks.append(f"p95 ≤ {p95_target} ms: {mark(p95 <= p95_target)}")
    if name in POSTGRES_TARGETS and postgres is not None:
        target = POSTGRES_TARGETS[name]
        checks.append(f"PostgreSQL ≤ {target} ms: {mark(postgres <= target)}")
    return "; ".join(checks)


def issue_table(results: dict[str, Any]) -> list[str]:
    """Issue #20's table: every request's c=1 median and c=8 p95, each over the floor's own."""
    floor = {run["concurrency"]: run for run in results["pages"]["floor"]["runs"]}
    floor_median, floor_p95 = floor[1]["p50_ms"], floor[8]["p95_ms"]
    postgres = results.get("postgres_ms", {})
    lines = [
        f"| request | c=1 median ms | x floor | c=8 p95 ms | x floor | in PostgreSQL ms | "
        f"targets (floor: c=1 {floor_median:.1f} ms, c=8 p95 {floor_p95:.1f} ms) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name in (n for n in results["pages"] if n != "floor"):
        page = results["pages"][name]
        runs = {run["concurrency"]: run for run in page["runs"]}
        # A run in which no request finished has no figure (wrk reports 0).
        median = runs[1]["p50_ms"] if runs.get(1, {}).get("requests") else None
        p95 = runs[8]["p95_ms"] if runs.get(8, {}).get("requests") else None
        in_postgres = postgres.get(name)
        lines.append(
            f"| {name} `{page['path']}` | "
            + (f"{median:.1f} | {ratio(median, floor_median)} | " if median else "none | | ")
            + (f"{p95:.1f} | {ratio(p95, floor_p95)} | " if p95 else "none | | ")
            + ("" if in_postgres is None else f"{in_postgres:.1f}")
            + f" | {verdicts(name, median, p95, in_postgres)} |"
        )
    return [*lines, "", *export_table(results, floor_median)]


def export_table(results: dict[str, Any], floor_median: float) -> list[str]:
    exports = results.get("exports")
    if not exports:
        return []
    lines = [
        "| export, alone, c=1 | rows | MiB | seconds | x floor | rows/s | first byte s "
        "| server RSS growth MiB | PostgreSQL temp files | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, run in exports.items():
        if name == "concurrent":
            continue
        ok = run["rows_per_s"] >= EXPORT_ROWS_PER_SECOND
        lines.append(
            f"| {name} `{run['path']}` | {run['rows']:,} | {run['mib']} | {run['seconds']} | "
            f"{ratio(run['seconds'] * 1000, floor_median)} | {run['rows_per_s']:,} | "
            f"{run['first_byte_s']} | {run['peak_rss_growth_mib']} | "
            f"{run['temp_files']} ({run['temp_mib']} MiB) | "
            f"≥ {EXPORT_ROWS_PER_SECOND:,} rows/s: {mark(ok)} |"
        )
    both = exports["concurrent"]
    seconds = ", ".join(str(run["seconds"]) for run in both["exports"])
    # The list's target is a p95 (as on its own row); older results have only the slowest answer.
    list_p95 = both.get("list_p95_ms", both["list_max_ms"])
    list_ok = list_p95 <= TARGETS["invoice list"]
    lines += [
        "",
        f"Two invoice exports at once ({seconds} s) beside a stalled client: /api/health answered "
        f"{both['health_requests']} times, median {both['health_p50_ms']} ms, slowest "
        f"{both['health_max_ms']} ms; the invoice list answered {both['list_requests']} times, "
        f"median {both['list_p50_ms']} ms, p95 {list_p95} ms (≤ {TARGETS['invoice list']} ms: "
        f"{mark(list_ok)}), slowest {both['list_max_ms']} ms.",
    ]
    return lines


def summary_table(results: dict[str, Any]) -> list[str]:
    memory, backup, queries = results["memory"], results["backup"], results["queries"]
    same = all(queries["large"][path] == count for path, count in queries["small"].items())
    rows = [
        ("start to /api/ready", f"{results['start_to_ready_s']:.2f} s", "≤ 3 s",
         results["start_to_ready_s"] <= 3),
        ("memory idle (RSS / PSS, all processes)",
         f"{memory['idle_rss_mib']:.0f} / {memory['idle_pss_mib']:.0f} MiB", "≤ 250 MiB",
         memory["idle_pss_mib"] <= 250),
        ("memory under load, peak (RSS / PSS)",
         f"{memory['peak_rss_mib']:.0f} / {memory['peak_pss_mib']:.0f} MiB", "≤ 250 MiB",
         memory["peak_pss_mib"] <= 250),
        ("queries per page, small → full data",
         ", ".join(f"{p} {queries['small'][p]}→{queries['large'][p]}" for p in queries["small"]),
         "independent of size", same),
        ("backup (pg_dump + verification) vs plain pg_dump, best of 2 each",
         f"{backup['dump_and_verify_s']:.1f} s vs {backup['pg_dump_s']:.1f} s "
         f"({backup['backup_overhead_pct']:+.0f} %)", "within 10 %",
         backup["backup_overhead_pct"] <= 10),
        ("`invoicetron k8s backup now` (whole command)", f"{backup['k8s_backup_now_s']:.1f} s",
         "", None),
        ("restore + compare every table vs plain pg_restore",
         f"{backup['restore_s']:.1f} + {backup['compare_s']:.1f} s vs "
         f"{backup['pg_restore_s']:.1f} s ({backup['tables_compared']} tables, "
         f"{'all identical' if backup['all_identical'] else 'DIFFERENT'})", "", None),
        ("dashboard recompute (figures not reused), median of 5",
         f"{results['dashboard_recompute_ms']:.0f} ms", "", None),
        ("demo data", f"{results['data']['invoices']} invoices in "
         f"{results['data']['seconds']:.0f} s", "well under 5 min per 100,000",
         results["data"]["seconds"] < 300 * max(1, results["data"]["invoices"] / 100_000)),
    ]  # fmt: skip
    lines = ["| measure | figure | target | |", "|---|---|---|---|"]
    for name, figure, target, ok in rows:
        lines.append(f"| {name} | {figure} | {target} | {'' if ok is None else mark(ok)} |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    header = [
        f"# Benchmark {results['taken_at']}: {results['total_invoices']:,} invoices",
        "",
        f"{machine['cpus']} CPUs, load average {machine['load_before']} before and "
        f"{machine['load_after']} after the run (other work on the machine counts: the figures "
        f"are only as quiet as the machine was). {results['workers']} gunicorn workers (the "
        f"Kubernetes manifest's), wrk on loopback, {results['seconds_per_run']} s per run.",
        "",
    ]
    return "\n".join(
        [
            *header,
            *issue_table(results),
            "",
            "Every run:",
            "",
            *latency_table(results),
            "",
            *summary_table(results),
            "",
        ]
    )
