"""A few pages under wrk against data that already exists: the edit-measure loop for one change.

    .venv/bin/python -m bench.focus --database-url postgresql://… [--pages "invoice list,…"]
                                    [--rounds 3] [--seconds 5]

`make bench` builds a fresh database every run (about two minutes at 100,000 invoices). This
serves the code of the working tree against an existing database instead (e.g. one `make bench`
style data set kept running while you change code), and runs the bare-Django floor and the
chosen pages of bench.run's `pages()` at c=1 and c=8, interleaved, `--rounds` times. Each
figure is printed beside the floor of the same round, because the machine's load moves both.
It sets the bench owner's password (`createuser`), so the database must be a throwaway one.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.load import require_wrk, run_wrk
from bench.run import Sample, _free_port, drain, load_average, pages, say
from bench.server import EMAIL, PASSWORD, Server, cli, sign_in

DEFAULT_PAGES = ("invoice list", "invoice page", "client page", "invoice list, last page")


class ExistingDatabase:
    """What bench.server.environment() reads of a Database: the URL."""

    def __init__(self, url: str) -> None:
        self.url = url


def measure(server: Server, database_url: str, names: list[str], seconds: float) -> list[dict]:
    cookie = sign_in(server.base)
    paths = pages(Sample.of(database_url))
    rows = []
    for name in ["floor", *names]:
        run_wrk(server.base + paths[name], 2, 1, {"Cookie": cookie})  # warm-up
        for concurrency in (1, 8):
            run = run_wrk(server.base + paths[name], concurrency, seconds, {"Cookie": cookie})
            rows.append({"page": name, "c": concurrency, **run})
            drain(server.base, database_url)
    return rows


def summary(rounds: list[list[dict[str, Any]]]) -> list[str]:
    """Median over the rounds of c=1 p50 and c=8 p95, and each over its round's floor."""
    lines = [
        "| page | c=1 p50 ms | x floor | c=8 p95 ms | x floor | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    names = list(dict.fromkeys(row["page"] for row in rounds[0]))
    for name in names:
        p50, p95, p50_ratio, p95_ratio, bad = [], [], [], [], 0
        for rows in rounds:
            runs = {(row["page"], row["c"]): row for row in rows}
            p50.append(runs[name, 1]["p50_ms"])
            p95.append(runs[name, 8]["p95_ms"])
            p50_ratio.append(runs[name, 1]["p50_ms"] / (runs["floor", 1]["p50_ms"] or 1))
            p95_ratio.append(runs[name, 8]["p95_ms"] / (runs["floor", 8]["p95_ms"] or 1))
            bad += runs[name, 1]["non_2xx"] + runs[name, 8]["non_2xx"]
        lines.append(
            f"| {name} | {statistics.median(p50):.1f} | {statistics.median(p50_ratio):.1f}x | "
            f"{statistics.median(p95):.1f} | {statistics.median(p95_ratio):.1f}x | {bad} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.focus", description=__doc__)
    parser.add_argument("--database-url", required=True, help="a database with bench data")
    parser.add_argument(
        "--pages", default=";".join(DEFAULT_PAGES), help="names from pages(), separated by ;"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5, help="seconds per wrk run")
    parser.add_argument(
        "--static-root", type=Path, help="static files collected before (else collected now)"
    )
    args = parser.parse_args(argv)
    require_wrk()
    names = [name.strip() for name in args.pages.split(";") if name.strip()]
    known = pages(Sample.of(args.database_url))
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown pages {unknown}; choose from: {', '.join(known)}")
    from bench.server import environment

    static = args.static_root or Path(tempfile.mkdtemp(prefix="invoicetron-focus-static-"))
    env = environment(ExistingDatabase(args.database_url), _free_port(), static)  # type: ignore[arg-type]
    cli(env, "createuser", "--email", EMAIL, "--owner", "--password-stdin", stdin=PASSWORD)
    if args.static_root is None:
        cli(env, "manage", "collectstatic", "--noinput", "--verbosity", "0")
    say(f"load average {load_average()}")
    server = Server.start(env)
    rounds = []
    try:
        for number in range(1, args.rounds + 1):
            rows = measure(server, args.database_url, names, args.seconds)
            for row in rows:
                say(f"round {number} {row['page']} c={row['c']}: p50 {row['p50_ms']} "
                    f"p95 {row['p95_ms']} ms")  # fmt: skip
            rounds.append(rows)
    finally:
        server.stop()
    say(f"load average {load_average()}")
    print("\n".join(summary(rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
