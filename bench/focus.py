"""A few pages under wrk against data that already exists: the edit-measure loop for one change.

    .venv/bin/python -m bench.focus --database-url postgresql://… [--pages "invoice list;…"]
        [--code before=/tmp/old/src --code after=src] [--rounds 3] [--seconds 5]

`make bench` builds a fresh database every run (about two minutes at 100,000 invoices). This
serves code against an existing database instead (e.g. one `make bench` style data set kept
running while you change code), and runs the bare-Django floor and the chosen pages of
bench.run's `pages()` at c=1 and c=8, `--rounds` times. With several `--code NAME=SRC` (a copy
of `src/` each, e.g. from `git archive`), one server per version runs side by side and wrk
takes them in turn, page by page, so each version is timed beside the others under the same
load; each figure is also shown over its version's floor of the same round. It sets the bench
owner's password (`createuser`), so the database must be a throwaway one.
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


def measure(
    servers: dict[str, Server], database_url: str, names: list[str], seconds: float
) -> dict[str, list[dict[str, Any]]]:
    """Version name → its runs; the versions take turns on every page."""
    cookies = {version: sign_in(server.base) for version, server in servers.items()}
    paths = pages(Sample.of(database_url))
    rows: dict[str, list[dict[str, Any]]] = {version: [] for version in servers}
    for name in ["floor", *names]:
        for version, server in servers.items():
            headers = {"Cookie": cookies[version]}
            run_wrk(server.base + paths[name], 2, 1, headers)  # warm-up
            for concurrency in (1, 8):
                run = run_wrk(server.base + paths[name], concurrency, seconds, headers)
                rows[version].append({"page": name, "c": concurrency, **run})
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
    parser = argparse.ArgumentParser(
        prog="python -m bench.focus",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", required=True, help="a database with bench data")
    parser.add_argument(
        "--pages", default=";".join(DEFAULT_PAGES), help="names from pages(), separated by ;"
    )
    parser.add_argument(
        "--code",
        action="append",
        default=[],
        metavar="NAME=SRC",
        help="a version to serve: a copy of src/ first on its PYTHONPATH (repeatable)",
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
    versions = dict(item.split("=", 1) for item in args.code) or {"working tree": ""}
    from bench.server import environment

    static = args.static_root or Path(tempfile.mkdtemp(prefix="invoicetron-focus-static-"))
    database = ExistingDatabase(args.database_url)
    env = environment(database, _free_port(), static)  # type: ignore[arg-type]
    cli(env, "createuser", "--email", EMAIL, "--owner", "--password-stdin", stdin=PASSWORD)
    if args.static_root is None:
        cli(env, "manage", "collectstatic", "--noinput", "--verbosity", "0")
    servers: dict[str, Server] = {}
    rounds: dict[str, list[list[dict[str, Any]]]] = {version: [] for version in versions}
    try:
        for version, source in versions.items():
            served = environment(database, _free_port(), static)  # type: ignore[arg-type]
            if source:
                served["PYTHONPATH"] = str(Path(source).resolve())
            servers[version] = Server.start(served)
        say(f"load average {load_average()}")
        for number in range(1, args.rounds + 1):
            measured = measure(servers, args.database_url, names, args.seconds)
            for version, rows in measured.items():
                rounds[version].append(rows)
                for row in rows:
                    say(f"round {number} {version}: {row['page']} c={row['c']}: "
                        f"p50 {row['p50_ms']} p95 {row['p95_ms']} ms")  # fmt: skip
    finally:
        for server in servers.values():
            server.stop()
    say(f"load average {load_average()}")
    for version, measured_rounds in rounds.items():
        print(f"\n{version}:\n")
        print("\n".join(summary(measured_rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
