"""What one request of a page costs in the worker, measured in-process: `python -m bench.cost`.

    DATABASE_URL=… SECRET_KEY=… INVOICETRON_ENV=production APP_URL=http://127.0.0.1:1 \\
        STATIC_ROOT=… .venv/bin/python -m bench.cost [--requests 200] PATH…

For each path, through Django's test client signed in as the owner (as bench.queries is):
the queries of one request, the Python function calls of one request (cProfile's count: it
does not move with the machine's load, unlike any time), and the worker's CPU time per request
(`time.process_time`, median of 5 batches; the load still moves it, less than wall time).
Prints one markdown row per path. Used to compare one change at a time (bench/results notes).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cost", description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per path")
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "invoicetron.settings")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from invoicetron.accounts.models import User

    client = Client(HTTP_HOST=os.environ["APP_URL"].split("//", 1)[1])
    client.force_login(User.objects.get(is_owner=True))
    print("| path | queries | Python calls / request | CPU ms / request |")
    print("|---|---:|---:|---:|")
    for path in args.paths:
        for _ in range(20):  # warm: imports, templates, kept figures, as a live worker has them
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        queries = len(captured)  # now: the next request's start clears the log it reads
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.requests):
            client.get(path)
        profile.disable()
        calls = pstats.Stats(profile).total_calls / args.requests  # type: ignore[attr-defined]
        batches = []
        for _ in range(5):
            started = time.process_time()
            for _ in range(args.requests // 5):
                client.get(path)
            batches.append((time.process_time() - started) * 1000 / (args.requests // 5))
        cpu = statistics.median(batches)
        print(f"| `{path}` | {queries} | {calls:,.0f} | {cpu:.1f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
