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
    "search by number": 50,
    "text search": 50,
    "last page": 50,
    "API deep page (offset)": 50,
    "API deep page (after)": 50,
}


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
        ("queries per page, small → 100k data",
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
        ("demo data", f"{results['data']['invoices']} invoices in "
         f"{results['data']['seconds']:.0f} s", "well under 5 min",
         results["data"]["seconds"] < 300),
    ]  # fmt: skip
    lines = ["| measure | figure | target | |", "|---|---|---|---|"]
    for name, figure, target, ok in rows:
        lines.append(f"| {name} | {figure} | {target} | {'' if ok is None else mark(ok)} |")
    return lines


def markdown(results: dict[str, Any]) -> str:
    machine = results["machine"]
    header = [
        f"# Benchmark {results['taken_at']}",
        "",
        f"{machine['cpus']} CPUs, load average {machine['load_before']} before and "
        f"{machine['load_after']} after the run (other work on the machine counts: the figures "
        f"are only as quiet as the machine was). {results['workers']} gunicorn workers (the "
        f"Kubernetes manifest's), wrk on loopback, {results['seconds_per_run']} s per run.",
        "",
    ]
    return "\n".join([*header, *latency_table(results), "", *summary_table(results), ""])
