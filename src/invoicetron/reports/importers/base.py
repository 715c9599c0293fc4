"""What every importer shares: the outcome of a run, error translation, tax rates on demand."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import TaxRate
from invoicetron.reports.csvio.errors import ErrorLog, RowError
from invoicetron.reports.importers.values import CellError, Row

CREATED_SHOWN = 200  # the preview lists this many of the records it would create


@dataclass
class Outcome:
    """What a run created, updated or skipped (or would), and its rows' errors (bounded)."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    errors: ErrorLog = field(default_factory=ErrorLog)

    def add(self, kind: str, description: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1
        self._example(description)

    def update(self, kind: str, description: str) -> None:
        self.updated[kind] = self.updated.get(kind, 0) + 1
        self._example(f"{description} (updated)")

    def skip(self, kind: str) -> None:
        self.skipped[kind] = self.skipped.get(kind, 0) + 1

    def _example(self, description: str) -> None:
        if len(self.examples) < CREATED_SHOWN:
            self.examples.append(description)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """The counts and examples a finished run keeps (the errors are kept apart)."""
        return {
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "examples": self.examples,
        }


class Context:
    """One run: the acting user, the column mapping, the outcome, cached tax rates."""

    def __init__(
        self,
        by: User | None,
        columns: Mapping[str, str],
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.by = by
        self.columns = columns  # target field → the file's column name
        self.outcome = Outcome()
        self.progress = progress or (lambda done: None)  # told the rows done so far
        self.rows_done = 0
        self._taxes: dict[tuple[str, Decimal], TaxRate] | None = None

    def progress_by(self, rows: int) -> None:
        self.rows_done += rows
        self.progress(self.rows_done)

    def column(self, name: str) -> str:
        return self.columns.get(name) or name

    def error(self, row: int, name: str, message: str) -> None:
        self.outcome.errors.add(RowError(row, self.column(name), message))

    def cell_error(self, row: Row, error: CellError) -> None:
        self.error(row.number, error.field, error.message)

    def cell_errors(self, row: Row, errors: list[CellError]) -> bool:
        """Report every error of the row; True when there was any."""
        for error in errors:
            self.cell_error(row, error)
        return bool(errors)

    def tax_rates(self, wanted: list[tuple[str, Decimal]]) -> list[TaxRate]:
        """The tax rates by name and rate, created (and audited) when missing."""
        if self._taxes is None:
            self._taxes = {(t.name, t.rate.normalize()): t for t in TaxRate.objects.all()}
        found = []
        for name, rate in wanted:
            key = (name, rate.normalize())
            if key not in self._taxes:
                tax = services.save_record(TaxRate(name=name, rate=rate), by=self.by)
                self._taxes[key] = tax
                self.outcome.add("tax rates", f"Tax rate {tax}")
            found.append(self._taxes[key])
        return found


def messages(error: ValidationError) -> Iterator[tuple[str, str]]:
    """(field or "", message) for every message of a ValidationError."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            for item in errors:
                for message in item.messages:
                    yield ("" if name == "__all__" else name), message
    else:
        for message in error.messages:
            yield "", message


@contextmanager
def savepoint(on_error: Callable[[str, str], None]) -> Iterator[None]:
    """Run a block in its own savepoint; a refusal is reported (field, message), not raised."""
    try:
        with transaction.atomic():
            yield
    except ValidationError as error:
        for name, message in messages(error):
            on_error(name, message)
    except DatabaseError as error:
        on_error("", f"The database refused this row: {str(error).splitlines()[0][:200]}")
