"""Queries per page, and their time inside PostgreSQL: `python -m bench.queries URL…`.

Run against the benchmark's database with its environment; prints one JSON object,
path → {"queries": count, "postgres_ms": the summed EXPLAIN ANALYZE execution times of its
SELECTs}. The runner calls it on small data and again on the full data: the counts must not grow;
the PostgreSQL time is the part of a page's latency that only the database can make shorter.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def postgres_ms(connection: Any, statements: list[str]) -> float:
    """EXPLAIN ANALYZE each SELECT again (warm, as the request left the cache) and sum them."""
    total = 0.0
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            total += float(plan[0]["Execution Time"])
    return round(total, 2)


def main(paths: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicetron.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from invoicetron.accounts.models import User

    if paths == ["--dashboard-recompute"]:
        print(json.dumps({"dashboard_recompute_ms": dashboard_recompute_ms()}))
        return
    host = os.environ["APP_URL"].split("//", 1)[1]
    client = Client(HTTP_HOST=host)
    client.force_login(User.objects.get(is_owner=True))
    headers = {"Authorization": f"Bearer {os.environ['BENCH_TOKEN']}"}
    figures = {}
    for path in paths:
        client.get(path, headers=headers)  # warm caches, as a live worker has them
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        statements = [query["sql"] for query in queries.captured_queries]
        figures[path] = {
            "queries": len(statements),
            "postgres_ms": postgres_ms(connection, statements),
        }
    print(json.dumps(figures))


def dashboard_recompute_ms(runs: int = 5) -> float:
    """Median time of the dashboard's figures computed afresh, never reused."""
    import statistics
    import time

    from invoicetron.billing.models import BusinessProfile
    from invoicetron.billing.services import business_today
    from invoicetron.reports.amounts import Base
    from invoicetron.reports.dashboard import compute_figures

    profile = BusinessProfile.load()
    base, today = Base.of(profile), business_today(profile)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        compute_figures(base, today)
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


if __name__ == "__main__":
    main(sys.argv[1:])
