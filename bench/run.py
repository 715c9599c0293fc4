"""`make bench`: a fresh PostgreSQL 18, 100,000 invoices, the production server under wrk.

    .venv/bin/python -m bench.run [--invoices 100000] [--clients 2000] [--seconds 5]
    .venv/bin/python -m bench.run --only "quote list" --only "invoice list, middle page"
    make bench BENCH_ARGS="--invoices 1000000"

Every page of `pages()` at c=1 and 8 (the quick ones also at 32), the dashboard with its figures
recomputed for every request (bench.recompute), each page's time inside PostgreSQL
(bench.queries), the CSV exports alone and two at once (bench.exports), and backups. Prints a
markdown table, each figure with its ratio to the bare-Django floor of the same run, and writes
bench/results/<time>.json, latest.json and latest.md. Figures, not pass/fail: each target is shown
beside its figure. Needs wrk (`apt-get install wrk`). At 1,000,000 invoices the data take about
20 minutes to generate (about 0.5 GB in the generating process: the plans of every invoice; the
invoices themselves are built and written 5,000 at a time).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg

from bench import backup, formats, quotes, recompute, report
from bench.load import require_wrk, run_wrk
from bench.server import EMAIL, PASSWORD, Database, Server, cli, environment, sign_in, status
from invoicetron.cli import EXIT_OK

RESULTS = Path(__file__).with_name("results")
CONCURRENCY = (1, 8, 32)
# Enough that the middle pages and the deep offset read their ids first (past
# web.lists.DEEP_ROWS) on the small data too: the query counts compared are those of one path.
SMALL_INVOICES = 2500
MAX_RUN_SECONDS = 60
LIST_PAGE_SIZE = 25  # invoicetron.web.lists.PAGE_SIZE


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


@dataclass(frozen=True)
class Sample:
    """Values picked from the generated data, so that every path finds something real."""

    invoice_id: int  # with payments and a credit note: the fullest invoice page
    client_id: int  # that invoice's client
    number: str  # an invoice number from the middle of the data
    word: str  # the first word of a client's name
    invoices: int
    near_end_id: int  # an invoice id 1,000 from the end: the API's cursor (`after`) paging
    credit_number: str  # a credit note's number from the middle of the data

    @classmethod
    def of(cls, url: str) -> Sample:
        with psycopg.connect(url) as connection:
            row = connection.execute(
                "SELECT i.id, i.client_id FROM billing_creditnote c "
                "JOIN billing_payment p ON p.invoice_id = c.invoice_id "
                "JOIN billing_invoice i ON i.id = c.invoice_id ORDER BY c.id LIMIT 1"
            ).fetchone()
            if row is None:
                raise SystemExit("no invoice with a payment and a credit note was generated")
            count, number, name = connection.execute(
                "SELECT (SELECT count(*) FROM billing_invoice), "
                "(SELECT number FROM billing_invoice WHERE number <> '' ORDER BY id "
                " OFFSET (SELECT count(*) / 2 FROM billing_invoice) LIMIT 1), "
                "(SELECT name FROM billing_client ORDER BY id "
                " OFFSET (SELECT count(*) / 2 FROM billing_client) LIMIT 1)"
            ).fetchone() or (0, "", "")
            near_end = connection.execute("SELECT max(id) - 1000 FROM billing_invoice").fetchone()
            credit = connection.execute(
                "SELECT number FROM billing_creditnote ORDER BY id "
                "OFFSET (SELECT count(*) / 2 FROM billing_creditnote) LIMIT 1"
            ).fetchone()
        return cls(
            int(row[0]),
            int(row[1]),
            str(number),
            str(name).split()[0],
            int(count),
            max(0, int(near_end[0] or 0) if near_end else 0),
            str(credit[0]) if credit else "",
        )

    @property
    def last_page(self) -> int:
        return max(1, -(-self.invoices // LIST_PAGE_SIZE))

    @property
    def middle_page(self) -> int:
        return max(1, self.last_page // 2)

    @property
    def deep_offset(self) -> int:
        return max(0, self.invoices - 1000)

    @property
    def quote_number(self) -> str:
        """The quote bench.quotes made of the sample invoice number (INV-… → QUO-…)."""
        return "QUO" + self.number[3:]


def pages(sample: Sample) -> dict[str, str]:
    """Every page `make bench` puts under wrk: one line each (name → path)."""
    s = sample
    return {
        "health": "/api/health",
        "floor": "/bench/floor/",
        "invoice list": "/invoices/",
        "invoice page": f"/invoices/{s.invoice_id}/",
        "API list": "/api/v1/invoices",
        "dashboard": "/dashboard/",
        "PDF": f"/invoices/{s.invoice_id}/pdf/",
        "client page": f"/clients/{s.client_id}/",
        "search by number": f"/invoices/?q={quote(s.number)}",
        "search by text": f"/invoices/?q={quote(s.word)}",
        "invoice list, last page": f"/invoices/?page={s.last_page}",
        "API list, deep offset": f"/api/v1/invoices?offset={s.deep_offset}",
        "report: sales": "/reports/sales/",
        "report: tax": "/reports/tax/",
        "report: tax CSV": "/reports/tax/?format=csv",
        "report: aging": "/reports/aging/",
        "report: payments": "/reports/payments/",
        "API list, deep cursor": f"/api/v1/invoices?after={s.near_end_id}",
        "invoice list, middle page": f"/invoices/?page={s.middle_page}",
        "credit-note list": "/credit-notes/",
        "credit-note search by number": f"/credit-notes/?q={quote(s.credit_number)}",
        "credit-note search by text": f"/credit-notes/?q={quote(s.word)}",
        "quote list": "/quotes/",
        "quote list, middle page": f"/quotes/?page={s.middle_page}",
        "quote search by number": f"/quotes/?q={quote(s.quote_number)}",
        "quote search by text": f"/quotes/?q={quote(s.word)}",
        "client search": f"/clients/?q={quote(s.word)}",
    }


def chosen_pages(sample: Sample, only: frozenset[str]) -> dict[str, str]:
    """`pages()`, or only those named (with the health check and the floor, the baselines)."""
    every = pages(sample)
    unknown = only - every.keys()
    if unknown:
        raise SystemExit(f"--only: no page named {', '.join(sorted(unknown))}; see pages()")
    return {n: p for n, p in every.items() if not only or n in only | {"health", "floor"}}


# Pages known to stay fast enough to load with 32 connections; the rest run at 1 and 8 only.
UP_TO_32 = {"health", "floor", "invoice list", "invoice page", "API list", "dashboard", "PDF"}


def run_bench_queries(env: dict[str, str], *args: str) -> Any:
    """The last line of `python -m bench.queries ARGS` (in its own process), parsed as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.queries", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    if done.returncode != 0:
        raise SystemExit(f"bench.queries {' '.join(args[:1])} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def count_queries(
    env: dict[str, str], sample: Sample, only: frozenset[str] = frozenset()
) -> dict[str, dict[str, float]]:
    """Page name → {"queries": …, "postgres_ms": …}."""
    named = {name: path for name, path in chosen_pages(sample, only).items() if name != "floor"}
    by_path: dict[str, dict[str, float]] = run_bench_queries(env, *named.values())
    return {name: by_path[path] for name, path in named.items()}


def dashboard_recompute_ms(env: dict[str, str]) -> float:
    """The dashboard's figures computed afresh in-process (what every billing change costs)."""
    return float(run_bench_queries(env, "--dashboard-recompute")["dashboard_recompute_ms"])


def prepare(db: Database, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Schema, owner, static files, token; queries on small data; then the full data set."""
    cli(env, "migrate", "--verbosity", "0")
    cli(env, "createuser", "--email", EMAIL, "--owner", "--password-stdin", stdin=PASSWORD)
    cli(env, "manage", "collectstatic", "--noinput", "--verbosity", "0")
    token, _ = cli(env, "manage", "token", "create", "--email", EMAIL, "--name", "bench")
    env["BENCH_TOKEN"] = token.strip()
    small = min(SMALL_INVOICES, args.invoices)
    only = frozenset(args.only)
    cli(env, "demo-data", "--clients", "20", "--invoices", str(small), "--seed", "1")
    quotes.add(db.url)
    small_figures = count_queries(env, Sample.of(db.url), only)
    say(f"queries on {small} invoices: {counts(small_figures)}")
    more = args.invoices - small
    output, seconds = cli(
        env, "demo-data", "--clients", str(args.clients), "--invoices", str(more), "--seed", "2"
    )
    say(output.strip().splitlines()[-1])
    say(f"{quotes.add(db.url)} quotes (bench.quotes)")
    settle(db.url)
    large_figures = count_queries(env, Sample.of(db.url), only)
    say(f"queries on {args.invoices} invoices: {counts(large_figures)}")
    recompute = 0.0 if only else dashboard_recompute_ms(env)
    say(f"dashboard recompute, in-process: {recompute:.0f} ms")
    return {
        "dashboard_recompute_ms": recompute,
        "data": {"invoices": more, "seconds": round(seconds, 1), "output": output.strip()},
        "queries": {"small": counts(small_figures), "large": counts(large_figures)},
        "postgres_ms": {name: page["postgres_ms"] for name, page in large_figures.items()},
    }


def settle(url: str) -> None:
    """VACUUM (ANALYZE) the fresh data, as autovacuum does a minute or so after a bulk load: the
    visibility map (index-only scans: deep pages and offsets read their ids from an index) and
    the trigram indexes' pending lists (folded in by VACUUM) are then the same for the
    in-PostgreSQL figures, measured next, as for the wrk runs, rather than one before and the
    other after an autovacuum at an unknown moment."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def counts(figures: dict[str, dict[str, float]]) -> dict[str, int]:
    return {name: int(page["queries"]) for name, page in figures.items()}


def measure_pages(
    server: Server, env: dict[str, str], seconds: float, only: frozenset[str] = frozenset()
) -> dict[str, Any]:
    cookie = sign_in(server.base)
    results: dict[str, Any] = {}
    for name, path in chosen_pages(Sample.of(env["DATABASE_URL"]), only).items():
        headers = {"Cookie": cookie}
        if path.startswith("/api/v1"):
            headers = {"Authorization": f"Bearer {env['BENCH_TOKEN']}"}
        # Warm-up: imports, caches, connections, in every worker (c=2 could reach only one, and
        # the other then filled its caches during the c=8 run: a PDF rendered by 4 threads at once).
        run_wrk(server.base + path, CONCURRENCY[1], 1, headers)
        runs: list[dict[str, Any]] = []
        for concurrency in CONCURRENCY if name in UP_TO_32 else CONCURRENCY[:2]:
            duration = run_seconds(seconds, runs, concurrency, int(env["INVOICETRON_WORKERS"]))
            run = run_wrk(server.base + path, concurrency, duration, headers)
            figures = f"p50 {run['p50_ms']} p95 {run['p95_ms']} ms, {run['rps']}/s"
            say(f"{name} c={concurrency}: {figures}")
            runs.append(run)
        results[name] = {"path": path, "runs": runs}
        drain(server.base, env["DATABASE_URL"])
    if only:
        return results
    say("dashboard, its figures recomputed for every request…")
    results["dashboard recompute"] = recompute.measure(server.base, cookie, env["DATABASE_URL"])
    drain(server.base, env["DATABASE_URL"])  # before the exports time themselves
    return results


def run_seconds(
    seconds: float, runs: list[dict[str, Any]], concurrency: int, workers: int
) -> float:
    """Long enough for a slow page to finish a few requests at this concurrency: wrk counts only
    requests that end within the run (a 4 s report at c=8 on 2 workers would show none)."""
    if not runs or not runs[0]["requests"]:
        return seconds
    single = runs[0]["p50_ms"] / 1000
    return max(seconds, min(MAX_RUN_SECONDS, 3 * single * concurrency / workers))


def drain(base: str, database_url: str, limit: float = 120) -> None:
    """Wait until requests queued by the last run are served: wrk stops sending at the end of a
    run, but the workers still serve what it queued, which would time the next page. The
    workers are threaded, so /api/health answers at once even then; what shows the leftover
    work is PostgreSQL: no query of the server's still running."""
    deadline = time.monotonic() + limit
    with psycopg.connect(database_url, autocommit=True) as connection:
        while time.monotonic() < deadline:
            started = time.monotonic()
            status(f"{base}/api/health")
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND state = 'active' "
                "AND pid <> pg_backend_pid()"
            ).fetchone()
            if time.monotonic() - started < 0.05 and row is not None and row[0] == 0:
                return
            time.sleep(0.1)


def serve_and_measure(db: Database, env: dict[str, str], seconds: float) -> dict[str, Any]:
    server = Server.start(env)
    say(f"ready {server.start_to_ready:.2f} s after start")
    try:
        time.sleep(2)
        idle = server.memory()
        stop = threading.Event()
        sampler = server.sample_while(stop)
        measured = measure_pages(server, env, seconds)
        stop.set()
        sampler.join()
        peak_rss = max(rss for rss, _ in server.samples)
        peak_pss = max(pss for _, pss in server.samples)
        say("exports…")
        # Imported here: bench.exports imports this module's helpers.
        from bench import exports

        exported = exports.measure(server, db)
    finally:
        stopped = server.stop()
    return {
        "start_to_ready_s": round(server.start_to_ready, 2),
        "stop_s": round(stopped, 2),
        "memory": {
            "idle_rss_mib": round(idle[0], 1),
            "idle_pss_mib": round(idle[1], 1),
            "peak_rss_mib": round(peak_rss, 1),
            "peak_pss_mib": round(peak_pss, 1),
        },
        "pages": measured,
        "exports": exported,
    }


def save(results: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = results["taken_at"].replace(":", "").replace("-", "")
    path = RESULTS / f"{stamp}.json"
    text = json.dumps(results, indent=2)  # in measuring order: the tables follow it
    path.write_text(text + "\n")
    (RESULTS / "latest.json").write_text(text + "\n")
    (RESULTS / "latest.md").write_text(report.markdown(results))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5, help="seconds per wrk run")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="PAGE",
        help="measure only this page of pages() (repeat for more; health and the floor always), "
        "for development: no exports, backups or dashboard recompute; the results go to "
        "bench/results/<time>-only.json, never latest.*",
    )
    args = parser.parse_args(argv)
    require_wrk()
    load_before = load_average()
    db, env = fresh_database(load_before)
    try:
        results: dict[str, Any] = prepare(db, env, args)
        results["number_formatting"] = formats.summary()
        say(results["number_formatting"])
        if args.only:
            results["pages"] = pages_only(env, args.seconds, frozenset(args.only))
        else:
            results.update(serve_and_measure(db, env, args.seconds))
            say("backups…")
            results["backup"] = backup.measure(db, env)
    finally:
        db.cleanup()
    results.update(
        taken_at=datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        workers=int(env["INVOICETRON_WORKERS"]),
        seconds_per_run=args.seconds,
        total_invoices=args.invoices,
        machine={"cpus": os.cpu_count(), "load_before": load_before, "load_after": load_average()},
    )
    if args.only:
        path = RESULTS / f"{results['taken_at'].replace(':', '').replace('-', '')}-only.json"
        path.write_text(json.dumps(results, indent=2) + "\n")
        print("\n".join(report.issue_table(results)))
    else:
        path = save(results)
        print(report.markdown(results))
    say(f"results: {path}")
    return EXIT_OK


def pages_only(env: dict[str, str], seconds: float, only: frozenset[str]) -> dict[str, Any]:
    """`--only`: the named pages under wrk, nothing else."""
    server = Server.start(env)
    try:
        return measure_pages(server, env, seconds, only)
    finally:
        server.stop()


def fresh_database(load_before: str) -> tuple[Database, dict[str, str]]:
    """A fresh embedded PostgreSQL 18 and the server's environment for it."""
    say(f"load average {load_before}; a fresh PostgreSQL 18…")
    db = Database.fresh()
    static = Path(tempfile.mkdtemp(prefix="invoicetron-bench-static-"))
    return db, environment(db, _free_port(), static)


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


if __name__ == "__main__":
    sys.exit(main())
