"""Why a document cannot be an e-invoice, in words that say what to fill in and where."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Missing:
    """One thing EN 16931 needs that the document lacks: what it is, and how to provide it."""

    what: str  # "the client's country (BT-55)"
    fix: str  # "add it in Clients → edit"

    def __str__(self) -> str:
        return f"{self.what}: {self.fix}"


class EInvoiceError(Exception):
    """The document cannot be written as an EN 16931 e-invoice; the message says why and what to
    do. `missing` lists each gap when there are several."""

    def __init__(self, message: str, missing: Sequence[Missing] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.missing = tuple(missing)


def missing_error(document: str, missing: Sequence[Missing]) -> EInvoiceError:
    """One error naming every gap of `document` ("Invoice INV-2026-0001") at once.

    An issued document never changes: what is filled in now reaches the documents issued after.
    """
    gaps = "; ".join(str(item) for item in missing)
    return EInvoiceError(
        f"{document} cannot be an EN 16931 e-invoice. It lacks {gaps}. An issued document keeps "
        "what it was issued with: the documents issued after these are filled in carry them.",
        missing,
    )
