"""Compare two databases table by table: row counts and a content checksum for every table.

The runbook checked a migration by counting one table (lesson 18); this reads every table of both
sides, plus every sequence (a restored sequence that lags its table breaks the next insert).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from psycopg import sql

from invoicetron.ops.k8s.database import connect

# Text forms of dates, intervals, floats and bytes depend on session settings; fix them so that two
# servers configured differently still print identical rows.
STABLE_SESSION = (
    "SET TimeZone = 'UTC'",
    "SET DateStyle = 'ISO, YMD'",
    "SET IntervalStyle = 'postgres'",
    "SET extra_float_digits = 1",
    "SET bytea_output = 'hex'",
)

RELATIONS = """
SELECT n.nspname, c.relname, c.relkind
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'S')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
ORDER BY 1, 2
"""

# The md5 of each row's text, sorted bytewise and hashed again: independent of physical order,
# collation and primary keys, and small in memory (32 bytes a row).
TABLE_SUMMARY = (
    "SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text) "
    "COLLATE \"C\"), '')) FROM {} AS t"
)
SEQUENCE_SUMMARY = "SELECT last_value, is_called FROM {}"


@dataclass(frozen=True)
class Summary:
    name: str  # schema.relation
    kind: str  # "table" or "sequence"
    rows: int  # rows, or a sequence's last value
    checksum: str


@dataclass(frozen=True)
class Comparison:
    name: str
    kind: str
    source: Summary | None
    target: Summary | None

    @property
    def ok(self) -> bool:
        return self.source is not None and self.source == self.target

    @property
    def problem(self) -> str:
        if self.source is None:
            return "only in the target"
        if self.target is None:
            return "missing from the target"
        if self.source.rows != self.target.rows:
            noun = "rows" if self.kind == "table" else "last value"
            return f"{noun} differ"
        if self.source.checksum != self.target.checksum:
            return "same count, different content"
        return ""


def summarize(url: str, report: Callable[[str], None] | None = None) -> dict[str, Summary]:
    """Every table and sequence of the database, read in one consistent snapshot."""
    summaries: dict[str, Summary] = {}
    with connect(url) as connection:
        for statement in STABLE_SESSION:
            connection.execute(statement)
        connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        relations = connection.execute(RELATIONS).fetchall()
        for index, (schema, name, relkind) in enumerate(relations, start=1):
            identifier = sql.Identifier(schema, name)
            label = f"{schema}.{name}"
            if report:
                report(f"  reading {label} ({index}/{len(relations)})")
            if relkind == "S":
                row = connection.execute(sql.SQL(SEQUENCE_SUMMARY).format(identifier)).fetchone()
                assert row is not None
                summaries[label] = Summary(label, "sequence", int(row[0]), str(row[1]))
            else:
                row = connection.execute(sql.SQL(TABLE_SUMMARY).format(identifier)).fetchone()
                assert row is not None
                summaries[label] = Summary(label, "table", int(row[0]), str(row[1]))
        connection.execute("COMMIT")
    return summaries


def compare_summaries(source: dict[str, Summary], target: dict[str, Summary]) -> list[Comparison]:
    names = sorted(set(source) | set(target))
    return [
        Comparison(
            name=name,
            kind=(source.get(name) or target[name]).kind,
            source=source.get(name),
            target=target.get(name),
        )
        for name in names
    ]


def compare(
    source_url: str, target_url: str, report: Callable[[str], None] | None = None
) -> list[Comparison]:
    if report:
        report("Reading the source database…")
    source = summarize(source_url, report)
    if report:
        report("Reading the target database…")
    target = summarize(target_url, report)
    return compare_summaries(source, target)


def format_comparison(rows: Iterable[Comparison]) -> str:
    """A table an operator can read: one line per table or sequence, OK or the difference."""
    rows = list(rows)
    names = [row.name if row.kind == "table" else f"{row.name} (sequence)" for row in rows]
    width = max([len("table"), *(len(name) for name in names)])
    lines = [f"{'table':<{width}}  {'source':>9}  {'target':>9}  {'content':<9}  result"]
    for name, row in zip(names, rows, strict=True):
        source = str(row.source.rows) if row.source else "-"
        target = str(row.target.rows) if row.target else "-"
        content = "-"
        if row.source and row.target:
            content = "same" if row.source.checksum == row.target.checksum else "differs"
        result = "OK" if row.ok else f"DIFFERENT: {row.problem}"
        lines.append(f"{name:<{width}}  {source:>9}  {target:>9}  {content:<9}  {result}")
    tables = sum(1 for row in rows if row.kind == "table")
    bad = len(differences(rows))
    verdict = "all identical" if not bad else f"{bad} different"
    lines.append(f"{tables} tables and {len(rows) - tables} sequences compared: {verdict}")
    return "\n".join(lines)


def differences(rows: Iterable[Comparison]) -> list[Comparison]:
    return [row for row in rows if not row.ok]


# What `migrate` writes into every new database, and sign-in sessions (someone trying the new
# installation): nothing a restore could lose that matters, so they need no --yes.
FRAMEWORK_TABLES = frozenset(
    {
        "public.django_migrations",
        "public.django_content_type",
        "public.auth_permission",
        "public.django_session",
    }
)


def row_total(url: str) -> tuple[int, int, int]:
    """(tables, rows, Django's own rows) of a database: how much a restore would replace."""
    tables = [s for s in summarize(url).values() if s.kind == "table"]
    framework = sum(s.rows for s in tables if s.name in FRAMEWORK_TABLES)
    return len(tables), sum(s.rows for s in tables) - framework, framework
