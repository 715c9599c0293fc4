"""Figures reused while billing data is unchanged, and the marker that says when it changed.

Counting 100,000 invoices for a list page costs 6-20 ms and the dashboard's aggregates about
0.5 s; both are kept in the `billing` cache (settings.CACHES) and reused while the **change
marker** stays the same. The database keeps the marker: migration 0006 gives every billing table
a statement trigger that takes the next value of the sequence `billing_change_seq`, so any
INSERT, UPDATE, DELETE or TRUNCATE moves it, whoever runs it (a service, the worker, an import,
raw SQL). No writer has to remember anything, so there is no invalidation function to call.

Across processes: each gunicorn or worker process has its own local-memory `billing` cache, and
the marker is read from the database on every use (one read of a one-row sequence), so a change
committed by any process is seen by the next request in all of them. A shared cache backend
would cost a query per use too and is not needed. KEEP_SECONDS only bounds how old a kept figure
gets (and covers a sequence set back by hand, e.g. by restoring a dump into a live process).

Pages keep their billing parts the same way: a view reads the marker once (`change_marker()`),
and its template's `{% cache marker.seconds "name" marker.marker … using="fragments" %}` blocks
are named by it, so a kept block is never older than the data. `Marker.seconds` is 0 unless the
marker is settled, and the cache framework keeps nothing for 0 seconds. The view reads the
marker before the rows a block shows, and hands the block its rows lazily, so a kept block runs
no query (billing/views/invoices.py).

When a figure may be kept: a writer moves the marker after each statement but commits later.
So the marker is read first, then whether any transaction that has written is still running
(one that is may have moved the marker already and commit afterwards, under the marker just
read), and only then is the figure computed, in later snapshots that hold every such write. It
is kept only if nothing was running, this connection's own transaction included (its rows could
still be rolled back).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar

from django.core.cache import caches
from django.db import connection
from django.db.models import QuerySet

T = TypeVar("T")

CACHE = "billing"
KEEP_SECONDS = 60

# billing_change_marker() (migration 0006) reads the sequence, then whether any transaction that
# has written is running: each holds a lock on its own transaction id until it ends, and pg_locks
# shows them to every user. (A snapshot's list of running transactions, pg_snapshot_xip, is not
# enough: it leaves out any that started after the newest one to finish.)
MARKER = "SELECT marker, settled FROM billing_change_marker()"


class Marker(NamedTuple):
    """The change marker as read once for a request, shared by everything the request reuses."""

    marker: int  # moves with every write to a billing table
    settled: bool  # no transaction that has written (this connection's own included) is running
    # Upper apps' markers read in the same query (change_marker(companions=True)): name → its
    # (marker, settled).
    companions: tuple[tuple[str, int, bool], ...] = ()

    def companion(self, name: str) -> Marker | None:
        """The marker `name` registered (register_companion), if it was read with this one."""
        for companion, marker, settled in self.companions:
            if companion == name:
                return Marker(marker, settled)
        return None

    @property
    def seconds(self) -> int:
        """How long what is computed now may be kept: KEEP_SECONDS when settled, else 0, which
        the cache framework (and so the `{% cache %}` tag) takes as "do not keep"."""
        return KEEP_SECONDS if self.settled else 0


# Upper apps that keep data under a marker of their own beside billing's (messaging's email panel
# on the invoice page) register its SQL function here, so that a page showing both reads them in
# one round trip: name → function.
COMPANIONS: dict[str, str] = {}


def register_companion(name: str, function: str) -> None:
    """Have change_marker(companions=True) read `function()` (returning marker, settled) too;
    called from the upper app's AppConfig.ready()."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", function):
        raise ValueError(f"{function!r} is not the name of an SQL function")
    COMPANIONS[name] = function


def change_marker(*, companions: bool = False) -> Marker:
    """The marker and whether it is settled, read now (one query); with `companions`, every
    registered upper app's marker in the same query (Marker.companion(name))."""
    names = list(COMPANIONS) if companions else []
    sql = MARKER
    if names:
        columns = "".join(f", c{i}.marker, c{i}.settled" for i in range(len(names)))
        functions = "".join(f", {COMPANIONS[name]}() c{i}" for i, name in enumerate(names))
        # Only names register_companion() accepted (identifiers from the apps' code) go in.
        sql = f"SELECT b.marker, b.settled{columns} FROM billing_change_marker() b{functions}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        marker, settled, *others = cursor.fetchone()
    read = tuple(
        (name, int(others[2 * i]), bool(others[2 * i + 1])) for i, name in enumerate(names)
    )
    return Marker(int(marker), bool(settled), read)


def key_of(kind: str, *parts: Any) -> str:
    """A cache key for `kind` and its parts (a digest: SQL and reprs make keys too long)."""
    return f"{kind}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def while_unchanged(key: str, compute: Callable[[], T], marker: Marker | None = None) -> T:
    """compute(), reused while billing data is unchanged, for at most KEEP_SECONDS.

    `marker`: the request's marker when it has read one already (else it is read here)."""
    cache = caches[CACHE]
    now = marker or change_marker()
    kept = cache.get(key)
    if kept is not None and kept[0] == now.marker:
        return kept[1]
    value = compute()
    if now.settled:
        cache.set(key, (now.marker, value), KEEP_SECONDS)
    return value


def count_of_filters(kind: str, marker: Marker, *filters: Any) -> Callable[[QuerySet[Any]], int]:
    """A list's `count` (web.lists.paginate): `rows.count()` reused while billing data is
    unchanged, named by the list and the filters it follows from, not by its SQL (compiling the
    query only to name it took a tenth of a kept list page)."""
    key = key_of(f"{kind}-count", *filters)
    return lambda rows: while_unchanged(key, rows.count, marker)


def billing_count(rows: QuerySet[Any], marker: Marker | None = None) -> int:
    """`rows.count()`, reused while billing data is unchanged: counting 100,000 invoices reads
    the whole of an index (6-20 ms); the marker is one small query (none with `marker`)."""
    sql, params = rows.query.sql_with_params()
    return while_unchanged(key_of("count", sql, params), rows.count, marker)
