"""The dashboard with its figures recomputed for every request, as after every billing change.

The dashboard keeps its figures while billing's change marker (billing/caching.py: a sequence
that a statement trigger on every billing table moves, migration 0006) stays the same, for up to
KEEP_SECONDS per worker; wrk's repeated requests would only time that kept copy. Here each request
follows an audit event inserted through SQL, which moves the marker, so every worker recomputes:
what each issue, payment or credit note costs the next dashboard. (The figures come from the
summaries and the partial index of what is owed, reports/dashboard.py; the insert itself is not
timed.) No public invalidation function exists in the app; the marker is its only key.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from typing import Any

import psycopg

PATH = "/dashboard/"
MOVE_MARKER = (
    "INSERT INTO billing_auditevent (actor_label, created_at, action, object_type, object_id, "
    "object_repr, old_values, new_values) VALUES ('bench', now(), 'change', 'bench.marker', "
    "'0', 'make bench: dashboard recompute', '{}', '{}')"
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def client(
    base: str, cookie: str, url: str, until: float, latencies: list[float], errors: list[int]
) -> None:
    with psycopg.connect(url, autocommit=True) as connection:
        while time.monotonic() < until:
            connection.execute(MOVE_MARKER)
            request = urllib.request.Request(base + PATH, headers={"Cookie": cookie})  # noqa: S310
            started = time.monotonic()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    response.read()
            except OSError:
                errors.append(1)
                continue
            latencies.append((time.monotonic() - started) * 1000)


def run(base: str, cookie: str, url: str, concurrency: int, seconds: float) -> dict[str, Any]:
    """One closed-loop run, shaped like bench.load.run_wrk's result."""
    latencies: list[float] = []
    errors: list[int] = []
    started = time.monotonic()
    threads = [
        threading.Thread(
            target=client, args=(base, cookie, url, started + seconds, latencies, errors)
        )
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "seconds": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50), 2),
        "p95_ms": round(percentile(latencies, 0.95), 2),
        "p99_ms": round(percentile(latencies, 0.99), 2),
        "max_ms": round(max(latencies, default=0.0), 2),
        "connect_errors": 0,
        "read_errors": len(errors),
        "write_errors": 0,
        "timeouts": 0,
        "non_2xx": 0,
    }


def measure(base: str, cookie: str, url: str, seconds: float = 10) -> dict[str, Any]:
    run(base, cookie, url, 1, 1)  # warm-up
    return {"path": PATH, "runs": [run(base, cookie, url, c, seconds) for c in (1, 8)]}
