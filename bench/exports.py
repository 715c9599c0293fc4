"""The CSV exports through the production server: rows a second, server memory, temp files.

    .venv/bin/python -m bench.exports [--invoices 100000] [--clients 2000]

Each export is downloaded once, alone, as a browser would (signed in); then two invoice exports
run at once beside a stalled client (one that asks for an export and reads nothing), while
`/api/health` is polled: its slowest answer shows whether the exports hold the server. Prints a
markdown table and writes bench/results/exports-<time>.json. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import socket
import threading
import time
import urllib.request
from typing import Any

import psycopg

from bench.run import RESULTS, fresh_database, load_average, say
from bench.server import EMAIL, PASSWORD, Database, Server, cli, sign_in

EXPORTS = {
    "invoices.csv": "/data/export/invoices.csv",
    "payments.csv": "/data/export/payments.csv",
    "payments report CSV": "/reports/payments/?format=csv",
    "clients.csv": "/data/export/clients.csv",
}
TARGET_ROWS_PER_SECOND = 50_000
CHUNK = 1 << 20


def download(base: str, path: str, cookie: str) -> dict[str, Any]:
    """GET the export, reading as fast as possible; its rows (CRLF line ends) and seconds."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})  # noqa: S310
    started = time.monotonic()
    size = rows = 0
    with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback
        first = 0.0
        while chunk := response.read(CHUNK):
            first = first or time.monotonic() - started
            size += len(chunk)
            rows += chunk.count(b"\r\n")
    seconds = time.monotonic() - started
    rows -= 1  # the header
    return {
        "rows": rows,
        "mib": round(size / 2**20, 1),
        "seconds": round(seconds, 2),
        "first_byte_s": round(first, 3),
        "rows_per_s": round(rows / seconds) if seconds else 0,
    }


def temp_bytes(url: str) -> tuple[int, int]:
    """(temp files, temp bytes) PostgreSQL wrote so far for this database."""
    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT temp_files, temp_bytes FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def stalled_client(base: str, path: str, cookie: str, stop: threading.Event) -> None:
    """Ask for an export and read nothing until stopped: the server's writes fill the socket."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\n\r\n".encode())
        stop.wait(600)


def poll_while(url: str, stop: threading.Event, latencies: list[float], cookie: str = "") -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    while not stop.is_set():
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                response.read()
        except OSError:
            latencies.append(30.0)
        else:
            latencies.append(time.monotonic() - started)
        stop.wait(0.1)


def concurrent(server: Server, cookie: str) -> dict[str, Any]:
    """Two invoice exports and one stalled client at once; /api/health and the invoice list
    polled meanwhile."""
    stop, stall_stop = threading.Event(), threading.Event()
    latencies: list[float] = []
    list_latencies: list[float] = []
    results: list[dict[str, Any]] = []
    poller = threading.Thread(
        target=poll_while, args=(f"{server.base}/api/health", stop, latencies)
    )
    list_poller = threading.Thread(
        target=poll_while, args=(f"{server.base}/invoices/", stop, list_latencies, cookie)
    )
    staller = threading.Thread(
        target=stalled_client, args=(server.base, EXPORTS["invoices.csv"], cookie, stall_stop)
    )
    downloads = [
        threading.Thread(
            target=lambda: results.append(download(server.base, EXPORTS["invoices.csv"], cookie))
        )
        for _ in range(2)
    ]
    poller.start()
    list_poller.start()
    staller.start()
    time.sleep(0.5)
    for thread in downloads:
        thread.start()
    for thread in downloads:
        thread.join()
    stop.set()
    stall_stop.set()
    poller.join()
    list_poller.join()
    staller.join()
    return {
        "list_requests": len(list_latencies),
        **spread("list", list_latencies),
        "exports": results,
        "health_requests": len(latencies),
        **spread("health", latencies),
    }


def spread(name: str, latencies: list[float]) -> dict[str, float]:
    """Median, p95 (the figure the page targets are set for) and slowest, in ms."""
    ordered = sorted(latencies)
    last = len(ordered) - 1
    return {
        f"{name}_{label}_ms": round(ordered[min(last, int(len(ordered) * share))] * 1000, 1)
        for label, share in (("p50", 0.5), ("p95", 0.95), ("max", 1.0))
    }


def measure(server: Server, db: Database) -> dict[str, Any]:
    cookie = sign_in(server.base)
    download(server.base, "/data/export/products.csv", cookie)  # warm-up: imports, connections
    results: dict[str, Any] = {}
    for name, path in EXPORTS.items():
        time.sleep(1)
        idle = server.memory()[0]
        files_before = temp_bytes(db.url)
        server.samples.clear()
        stop = threading.Event()
        sampler = server.sample_while(stop)
        run = download(server.base, path, cookie)
        stop.set()
        sampler.join()
        time.sleep(1.5)  # PostgreSQL publishes its statistics within a second
        files_after = temp_bytes(db.url)
        run |= {
            "path": path,
            "peak_rss_growth_mib": round(max(rss for rss, _ in server.samples) - idle, 1),
            "temp_files": files_after[0] - files_before[0],
            "temp_mib": round((files_after[1] - files_before[1]) / 2**20, 1),
        }
        say(f"{name}: {run}")
        results[name] = run
    results["concurrent"] = concurrent(server, cookie)
    say(f"two exports and a stalled client at once: {results['concurrent']}")
    return results


def markdown(results: dict[str, Any]) -> str:
    lines = [
        f"Exports on {results['total_invoices']:,} invoices "
        f"(load before {results['load_before']}, after {results['load_after']})",
        "",
        "| export | rows | MiB | seconds | rows/s (target ≥ 50,000) | first byte s "
        "| server RSS growth MiB | PostgreSQL temp files |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in EXPORTS:
        run = results["exports"][name]
        lines.append(
            f"| {name} | {run['rows']:,} | {run['mib']} | {run['seconds']} | "
            f"{run['rows_per_s']:,} | {run['first_byte_s']} | {run['peak_rss_growth_mib']} | "
            f"{run['temp_files']} ({run['temp_mib']} MiB) |"
        )
    both = results["exports"]["concurrent"]
    seconds = ", ".join(str(run["seconds"]) for run in both["exports"])
    lines += [
        "",
        f"Two invoice exports at once ({seconds} s) beside a stalled client: /api/health answered "
        f"{both['health_requests']} times, median {both['health_p50_ms']} ms, "
        f"p95 {both['health_p95_ms']} ms, slowest {both['health_max_ms']} ms; the invoice list "
        f"{both['list_requests']} times, median {both['list_p50_ms']} ms, "
        f"p95 {both['list_p95_ms']} ms, slowest {both['list_max_ms']} ms.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exports", description=__doc__)
    parser.add_argument("--invoices", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=2000)
    args = parser.parse_args(argv)
    load_before = load_average()
    db, env = fresh_database(load_before)
    try:
        cli(env, "migrate", "--verbosity", "0")
        cli(env, "createuser", "--email", EMAIL, "--owner", "--password-stdin", stdin=PASSWORD)
        cli(env, "manage", "collectstatic", "--noinput", "--verbosity", "0")
        output, seconds = cli(
            env, "demo-data", "--clients", str(args.clients), "--invoices", str(args.invoices)
        )
        say(f"{output.strip().splitlines()[-1]} ({seconds:.0f} s)")
        server = Server.start(env)
        try:
            exports = measure(server, db)
        finally:
            server.stop()
    finally:
        db.cleanup()
    results = {
        "taken_at": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "total_invoices": args.invoices,
        "cpus": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_average(),
        "exports": exports,
    }
    RESULTS.mkdir(exist_ok=True)
    stamp = results["taken_at"].replace(":", "").replace("-", "")
    (RESULTS / f"exports-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
