"""What every importer shares: the outcome of a run, error translation, tax rates on demand."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from invoicetron.accounts.models import User
from invoicetron.billing import services
from invoicetron.billing.models import TaxRate
from invoicetron.reports.csvio.reader import RowError
from invoicetron.reports.importers.values import CellError, Row

CREATED_SHOWN = 200  # the preview lists this many of the records it would create


@dataclass
class Outcome:
    """What a run created (or would create) and every row's errors."""

    created: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def add(self, kind: str, description: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1
        if len(self.examples) < CREATED_SHOWN:
            self.examples.append(description)

    @property
    def ok(self) -> bool:
        return not self.errors


class Context:
    """One run: the acting user, the column mapping, the outcome, cached tax rates."""

    def __init__(self, by: User | None, columns: Mapping[str, str]) -> None:
        self.by = by
        self.columns = columns  # target field → the file's column name
        self.outcome = Outcome()
        self._taxes: dict[tuple[str, Decimal], TaxRate] | None = None

    def column(self, name: str) -> str:
        return self.columns.get(name) or name

    def error(self, row: int, name: str, message: str) -> None:
        self.outcome.errors.append(RowError(row, self.column(name), message))

    def cell_error(self, row: Row, error: CellError) -> None:
        self.error(row.number, error.field, error.message)

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
