"""`make bench`: a fresh PostgreSQL 18, 100,000 invoices, the production server under wrk.

    .venv/bin/python -m bench.run [--invoices 100000] [--clients 2000] [--seconds 5]

Prints a markdown table and writes bench/results/<time>.json, latest.json and latest.md. Figures,
not pass/fail: each target is shown beside its figure. Needs wrk (`apt-get install wrk`).
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
from pathlib import Path
from typing import Any

import psycopg

from bench import backup, report
from bench.load import require_wrk, run_wrk
from bench.server import EMAIL, PASSWORD, Database, Server, cli, environment, sign_in, status
from invoicetron.cli import EXIT_OK

RESULTS = Path(__file__).with_name("results")
CONCURRENCY = (1, 8, 32)
SMALL_INVOICES = 200


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def sample_invoice(url: str) -> int:
    """An invoice with payments and a credit note: the fullest invoice page."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT c.invoice_id FROM billing_creditnote c "
            "JOIN billing_payment p ON p.invoice_id = c.invoice_id ORDER BY c.id LIMIT 1"
        ).fetchone()
    if row is None:
        raise SystemExit("no invoice with a payment and a credit note was generated")
    return int(row[0])


def deep_samples(url: str) -> tuple[str, int]:
    """An issued invoice's number in the middle of the data, and an id 1,000 from the end."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT (SELECT number FROM billing_invoice WHERE number <> '' "
            "        ORDER BY id OFFSET (SELECT count(*) / 2 FROM billing_invoice) LIMIT 1), "
            "       (SELECT max(id) - 1000 FROM billing_invoice)"
        ).fetchone()
    if row is None or row[0] is None:
        raise SystemExit("no issued invoice was generated")
    return str(row[0]), max(int(row[1]), 0)


def pages(invoice_id: int, number: str, near_end: int) -> dict[str, str]:
    return {
        "health": "/api/health",
        "floor": "/bench/floor/",
        "invoice list": "/invoices/",
        "invoice page": f"/invoices/{invoice_id}/",
        "API list": "/api/v1/invoices",
        "dashboard": "/dashboard/",
        "PDF": f"/invoices/{invoice_id}/pdf/",
        # Issue 20's search and deep-page rows; page 4000 is the last at 100,000 invoices (a
        # number past the end shows the last page).
        "search by number": f"/invoices/?q={number}",
        "text search": "/invoices/?q=Redwood",
        "last page": "/invoices/?page=4000",
        "API deep page (offset)": "/api/v1/invoices?offset=99000",
        "API deep page (after)": f"/api/v1/invoices?after={near_end}",
    }


def count_queries(env: dict[str, str], paths: list[str]) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-m", "bench.queries", *paths],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    if done.returncode != 0:
        raise SystemExit(f"counting queries failed:\n{done.stderr[-3000:]}")
    counts: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return counts


def prepare(db: Database, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    """Schema, owner, static files, token; queries on small data; then the full data set."""
    cli(env, "migrate", "--verbosity", "0")
    cli(env, "createuser", "--email", EMAIL, "--owner", "--password-stdin", stdin=PASSWORD)
    cli(env, "manage", "collectstatic", "--noinput", "--verbosity", "0")
    token, _ = cli(env, "manage", "token", "create", "--email", EMAIL, "--name", "bench")
    env["BENCH_TOKEN"] = token.strip()
    small = min(SMALL_INVOICES, args.invoices)
    cli(env, "demo-data", "--clients", "20", "--invoices", str(small), "--seed", "1")
    samples = sample_invoice(db.url), *deep_samples(db.url)
    paths = [p for name, p in pages(*samples).items() if name not in ("floor",)]
    queries_small = count_queries(env, paths)
    say(f"queries on {small} invoices: {queries_small}")
    more = args.invoices - small
    output, seconds = cli(
        env, "demo-data", "--clients", str(args.clients), "--invoices", str(more), "--seed", "2"
    )
    say(output.strip().splitlines()[-1])
    queries_large = count_queries(env, paths)
    say(f"queries on {args.invoices} invoices: {queries_large}")
    return {
        "data": {"invoices": more, "seconds": round(seconds, 1), "output": output.strip()},
        "queries": {"small": queries_small, "large": queries_large},
    }


def measure_pages(server: Server, env: dict[str, str], seconds: float) -> dict[str, Any]:
    cookie = sign_in(server.base)
    samples = sample_invoice(env["DATABASE_URL"]), *deep_samples(env["DATABASE_URL"])
    results: dict[str, Any] = {}
    for name, path in pages(*samples).items():
        headers = {"Cookie": cookie}
        if path.startswith("/api/v1"):
            headers = {"Authorization": f"Bearer {env['BENCH_TOKEN']}"}
        run_wrk(server.base + path, 2, 1, headers)  # warm-up: imports, caches, connections
        runs = []
        for concurrency in CONCURRENCY:
            run = run_wrk(server.base + path, concurrency, seconds, headers)
            figures = f"p50 {run['p50_ms']} p95 {run['p95_ms']} ms, {run['rps']}/s"
            say(f"{name} c={concurrency}: {figures}")
            runs.append(run)
        results[name] = {"path": path, "runs": runs}
        drain(server.base)
    return results


def drain(base: str, limit: float = 120) -> None:
    """Wait until requests queued by the last run are served: wrk stops sending at the end of a
    run, but the sync workers still serve what it queued, which would time the next page."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        status(f"{base}/api/health")
        if time.monotonic() - started < 0.05:
            return


def serve_and_measure(env: dict[str, str], seconds: float) -> dict[str, Any]:
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
    finally:
        stopped = server.stop()
    peak_rss = max(rss for rss, _ in server.samples)
    peak_pss = max(pss for _, pss in server.samples)
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
    }


def save(results: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    stamp = results["taken_at"].replace(":", "").replace("-", "")
    path = RESULTS / f"{stamp}.json"
    text = json.dumps(results, indent=2, sort_keys=True)
    path.write_text(text + "\n")
    (RESULTS / "latest.json").write_text(text + "\n")
    (RESULTS / "latest.md").write_text(report.markdown(results))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5, help="seconds per wrk run")
    args = parser.parse_args(argv)
    require_wrk()
    load_before = load_average()
    db, env = fresh_database(load_before)
    try:
        results: dict[str, Any] = prepare(db, env, args)
        results.update(serve_and_measure(env, args.seconds))
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
    path = save(results)
    print(report.markdown(results))
    say(f"results: {path}")
    return EXIT_OK


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
