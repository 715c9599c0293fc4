"""Row errors of an import, bounded: all counted, the first ones kept, summarised by column.

A file of 20,000 bad rows must not become a page (or a job result) of 20,000 rows: the log keeps
the first MAX_ERRORS_SHOWN errors in row order, counts every error and every row with one, and
counts them per column with the first message as an example.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_ERRORS_SHOWN = 100


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass(frozen=True)
class ErrorKind:
    """The errors of one column: how many, and the first one's message."""

    column: str
    count: int
    example: str


class ErrorLog:
    """Iterating gives the errors kept (the first in row order); `total` counts them all."""

    def __init__(self, limit: int = MAX_ERRORS_SHOWN) -> None:
        self.limit = limit
        self.total = 0
        self._kept: list[RowError] = []
        self._rows: set[int] = set()  # at most the file's row limit
        self._kinds: dict[str, tuple[int, str]] = {}  # at most its columns

    def add(self, error: RowError) -> None:
        self.total += 1
        self._rows.add(error.row)
        count, example = self._kinds.get(error.column, (0, error.message))
        self._kinds[error.column] = (count + 1, example)
        self._kept.append(error)
        if len(self._kept) >= 2 * self.limit:
            self._trim()

    def extend(self, other: ErrorLog) -> None:
        for error in other._kept:
            self.add(error)
        # Errors the other log counted but no longer keeps: count them here too.
        self.total += other.total - len(other._kept)
        self._rows |= other._rows
        for column, (count, example) in other._kinds.items():
            kept = sum(1 for error in other._kept if error.column == column)
            mine, first = self._kinds.get(column, (0, example))
            self._kinds[column] = (mine + count - kept, first)

    def _trim(self) -> None:
        self._kept.sort(key=lambda error: (error.row, error.column))  # stable: a row's order stays
        del self._kept[self.limit :]

    def __iter__(self) -> Iterator[RowError]:
        self._trim()
        return iter(self._kept)

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    @property
    def rows_with_errors(self) -> int:
        return len(self._rows)

    @property
    def more_rows(self) -> int:
        """Rows with errors beyond those of the errors kept."""
        return self.rows_with_errors - len({error.row for error in self})

    def summary(self) -> list[ErrorKind]:
        kinds = [ErrorKind(column, n, example) for column, (n, example) in self._kinds.items()]
        return sorted(kinds, key=lambda kind: (-kind.count, kind.column))

    def to_json(self) -> dict[str, Any]:
        """What a finished run stores and its page shows (bounded by the limit and the columns)."""
        return {
            "total": self.total,
            "rows": self.rows_with_errors,
            "more_rows": self.more_rows,
            "shown": [[e.row, e.column, e.message] for e in self],
            "by_column": [[k.column, k.count, k.example] for k in self.summary()],
        }
