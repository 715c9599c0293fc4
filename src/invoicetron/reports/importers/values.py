"""Reading one row's cells: text, numbers, dates, yes/no and tax lists, with clear errors."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import TypeVar

from invoicetron.reports.csvio.writer import restore

DATE_FORMATS = {
    "%Y-%m-%d": "YYYY-MM-DD",
    "%d/%m/%Y": "DD/MM/YYYY",
    "%m/%d/%Y": "MM/DD/YYYY",
    "%d.%m.%Y": "DD.MM.YYYY",
}
TRUE = {"yes", "y", "true", "1", "x", "oui", "ja", "si", "sí"}
FALSE = {"no", "n", "false", "0", "", "non", "nein"}
TAX_ITEM = re.compile(r"^(?P<name>.*?)\s*(?P<rate>\d+(?:[.,]\d+)?)\s*%?$")


class CellError(ValueError):
    """A cell that cannot be read; `field` names the target field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class Existing(StrEnum):
    """What an import does with a record that already exists (see each importer's key)."""

    REFUSE = "refuse"
    SKIP = "skip"
    UPDATE = "update"


@dataclass(frozen=True)
class Options:
    decimal_comma: bool = False
    date_format: str = "%Y-%m-%d"
    existing: Existing = Existing.REFUSE


@dataclass(frozen=True)
class Row:
    """One data row as the mapping sees it: target field → cell text."""

    number: int
    cells: Mapping[str, str]
    options: Options

    def text(self, name: str, *, limit: int | None = None) -> str:
        value = restore(self.cells.get(name, "")).strip()
        if limit is not None and len(value) > limit:
            raise CellError(name, f"At most {limit} characters ({len(value)} given).")
        return value

    def required(self, name: str, *, limit: int | None = None) -> str:
        value = self.text(name, limit=limit)
        if not value:
            raise CellError(name, "This value is required.")
        return value

    def decimal(self, name: str, *, default: Decimal | None = None) -> Decimal | None:
        raw = self.text(name).replace(" ", "").replace("\u00a0", "")
        if not raw:
            return default
        if self.options.decimal_comma:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise CellError(name, f"“{raw[:40]}” is not a number.") from None
        if not value.is_finite() or abs(value) >= Decimal(10) ** 14:
            raise CellError(name, f"“{raw[:40]}” is not a usable number.")
        return value

    def date(self, name: str) -> datetime.date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return datetime.datetime.strptime(raw, self.options.date_format).date()
        except ValueError:
            expected = DATE_FORMATS.get(self.options.date_format, self.options.date_format)
            raise CellError(name, f"“{raw[:40]}” is not a date like {expected}.") from None

    def flag(self, name: str) -> bool:
        raw = self.text(name).lower()
        if raw in TRUE:
            return True
        if raw in FALSE:
            return False
        raise CellError(name, f"“{raw[:40]}” is not yes or no.")

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        value = self.decimal(name)
        if value is None:
            return None
        if value != value.to_integral_value() or not low <= value <= high:
            raise CellError(name, f"Enter a whole number from {low} to {high}.")
        return int(value)

    def taxes(self, name: str) -> list[tuple[str, Decimal]]:
        """`VAT 20; Reduced VAT 5.5 %` → [("VAT", 20), ("Reduced VAT", 5.5)]."""
        items = []
        for part in self.text(name).split(";"):
            part = part.strip()
            if not part:
                continue
            match = TAX_ITEM.match(part)
            if not match or not match.group("name"):
                raise CellError(name, f"“{part[:40]}” is not a tax like “VAT 20”.")
            rate = Decimal(match.group("rate").replace(",", "."))
            if rate > 100 or -rate.as_tuple().exponent > 3:  # type: ignore[operator]
                raise CellError(name, f"A tax rate is a percent from 0 to 100 (“{part[:40]}”).")
            items.append((match.group("name")[:64], rate))
        return items


T = TypeVar("T")


@dataclass
class Cells:
    """A row's readers that note each bad cell and go on, so that a row reports all its errors.

    Each reader returns an empty value for a bad cell; check `errors` before using the values.
    """

    row: Row
    errors: list[CellError] = field(default_factory=list)

    def read(self, reader: Callable[[], T], empty: T) -> T:
        try:
            return reader()
        except CellError as error:
            self.errors.append(error)
            return empty

    def text(self, name: str, *, limit: int | None = None) -> str:
        return self.read(lambda: self.row.text(name, limit=limit), "")

    def required(self, name: str, *, limit: int | None = None) -> str:
        return self.read(lambda: self.row.required(name, limit=limit), "")

    def decimal(self, name: str, *, default: Decimal | None = None) -> Decimal | None:
        return self.read(lambda: self.row.decimal(name, default=default), default)

    def date(self, name: str) -> datetime.date | None:
        return self.read(lambda: self.row.date(name), None)

    def flag(self, name: str) -> bool:
        return self.read(lambda: self.row.flag(name), False)

    def integer(self, name: str, *, low: int, high: int) -> int | None:
        return self.read(lambda: self.row.integer(name, low=low, high=high), None)

    def taxes(self, name: str) -> list[tuple[str, Decimal]]:
        return self.read(lambda: self.row.taxes(name), [])
