"""Running an import: map the file's columns, then a dry run or an all-or-nothing commit.

Both go through the same code inside one transaction: the dry run always rolls it back (so what
it shows is exactly what a commit would do, database checks included); the commit keeps it only
when no row has an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from invoicetron.accounts.models import User
from invoicetron.reports.csvio.columns import (
    CLIENT_COLUMNS,
    INVOICE_COLUMNS,
    PRODUCT_COLUMNS,
    label,
)
from invoicetron.reports.csvio.reader import ParsedFile
from invoicetron.reports.importers.base import Context, Outcome
from invoicetron.reports.importers.invoices import import_invoices
from invoicetron.reports.importers.parties import import_clients, import_products
from invoicetron.reports.importers.values import Options, Row

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Importer = Callable[[Context, Sequence[Row]], None]
KINDS: dict[str, tuple[StrOrPromise, tuple[str, ...], tuple[str, ...], Importer]] = {
    # kind: (label, fields, required fields, importer)
    "clients": (gettext_lazy("Clients"), CLIENT_COLUMNS, ("name",), import_clients),
    "products": (
        gettext_lazy("Products"),
        PRODUCT_COLUMNS,
        ("name", "unit_price"),
        import_products,
    ),
    "invoices": (
        gettext_lazy("Invoices"),
        INVOICE_COLUMNS,
        ("number", "client", "line_description"),
        import_invoices,
    ),
}
# Other tools' column names for our fields (compared lower-case, without punctuation).
SYNONYMS = {
    "client": ("customer", "client name", "customer name", "company"),
    "name": ("client name", "customer name", "company", "product", "product name", "item"),
    "email": ("e mail", "contact email", "email address"),
    "number": ("invoice number", "invoice no", "invoice", "invoice id", "no"),
    "issue_date": ("date", "invoice date", "issued", "issued on"),
    "due_date": ("due", "due on", "payment due"),
    "line_description": ("description", "item description", "line", "item"),
    "line_quantity": ("quantity", "qty", "hours"),
    "line_unit_price": ("unit price", "price", "rate", "unit cost", "cost"),
    "line_taxes": ("tax", "taxes", "vat"),
    "line_unit": ("unit",),
    "unit_price": ("price", "rate", "cost"),
    "tax_id": ("vat number", "vat id", "tax number"),
}


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def guess_mapping(kind: str, header: Sequence[str]) -> dict[str, str]:
    """Target field → file column, for the columns whose names say what they are."""
    fields = KINDS[kind][1]
    by_key = {_key(name): name for name in header}
    mapping: dict[str, str] = {}
    for name in fields:
        candidates = (_key(name), _key(name.replace("_", " ")), *SYNONYMS.get(name, ()))
        for candidate in candidates:
            column = by_key.get(_key(candidate))
            if column and column not in mapping.values():
                mapping[name] = column
                break
    return mapping


def mapping_problems(kind: str, mapping: Mapping[str, str], header: Sequence[str]) -> list[str]:
    problems = []
    for name in KINDS[kind][2]:
        if not mapping.get(name):
            problems.append(_("Choose the column that holds “%(field)s”.") % {"field": label(name)})
    for name, column in mapping.items():
        if column and column not in header:
            problems.append(
                _("The file has no column “%(column)s” (for %(field)s).")
                % {"column": column, "field": label(name)}
            )
    return problems


def rows_for(parsed: ParsedFile, mapping: Mapping[str, str], options: Options) -> list[Row]:
    position = {name: index for index, name in enumerate(parsed.header)}
    wanted = {field: position[column] for field, column in mapping.items() if column in position}
    return [
        Row(number, {field: cells[index] for field, index in wanted.items()}, options)
        for number, cells in parsed.rows
    ]


def run_import(
    kind: str,
    parsed: ParsedFile,
    mapping: Mapping[str, str],
    *,
    options: Options,
    by: User | None,
    commit: bool,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Import the file; write nothing unless `commit` and every row is clean.

    `progress` is told the number of rows done as the import goes (inside its transaction).
    """
    ctx = Context(by, {field: column for field, column in mapping.items() if column}, progress)
    ctx.outcome.errors.extend(parsed.errors)
    importer = KINDS[kind][3]
    with transaction.atomic():
        importer(ctx, rows_for(parsed, ctx.columns, options))
        if not commit or ctx.outcome.errors:
            transaction.set_rollback(True)
    return ctx.outcome
