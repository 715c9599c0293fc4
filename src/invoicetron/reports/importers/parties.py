"""Importing clients (with their primary contact) and products.

A record already exists when one has the same name (the key the exports and the invoice
importer use). By default that is an error; with Existing.SKIP the row is left out, with
Existing.UPDATE the record takes the row's values for the columns that are matched (columns
not in the file stay as they are).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model

from invoicetron.billing import services
from invoicetron.billing.models import Client, Contact, Product
from invoicetron.billing.money import MoneyError, check_currency
from invoicetron.reports.importers.base import Context, savepoint
from invoicetron.reports.importers.values import CellError, Cells, Existing, Row

CLIENT_REQUIRED = ("name",)
PRODUCT_REQUIRED = ("name", "unit_price")


def _existing(model: type[Client] | type[Product], rows: Sequence[Row]) -> dict[str, list[Any]]:
    """Name → the records of that name, for the names in the file (one query)."""
    found: dict[str, list[Any]] = {}
    for record in model.objects.filter(name__in={row.text("name") for row in rows}):
        found.setdefault(record.name, []).append(record)
    return found


def _target(
    ctx: Context,
    row: Row,
    kind: str,
    existing: dict[str, list[Any]],
    seen: dict[str, int],
) -> tuple[bool, Any]:
    """(go on, the record to update or None to create) for a row whose cells are all readable."""
    name = row.text("name")
    if name in seen:
        ctx.error(row.number, "name", f"“{name}” is already on row {seen[name]}.")
        return False, None
    seen[name] = row.number
    matches = existing.get(name, [])
    if not matches:
        return True, None
    mode = row.options.existing
    if mode == Existing.SKIP:
        ctx.outcome.skip(f"{kind}s")
        return False, None
    if mode == Existing.UPDATE and len(matches) == 1:
        return True, matches[0]
    if mode == Existing.UPDATE:
        message = f"{len(matches)} {kind}s are named “{name}”: rename one to say which to update."
    else:
        message = f"A {kind} named “{name}” already exists."
    ctx.error(row.number, "name", message)
    return False, None


def _assign(record: Model, values: dict[str, Any], row: Row) -> None:
    """Set the matched columns' values (all of them on a new record)."""
    for name, value in values.items():
        if record.pk is None or name in row.cells:
            setattr(record, name, value)


def import_clients(ctx: Context, rows: Sequence[Row]) -> None:
    existing = _existing(Client, rows)
    seen: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        ctx.progress(done)
        cells = Cells(row)
        name = cells.required("name", limit=200)
        values = {
            "name": name,
            "billing_address": cells.text("billing_address"),
            "tax_id": cells.text("tax_id", limit=64),
            "currency": _currency(cells),
            "payment_terms_days": cells.integer("payment_terms_days", low=0, high=365),
            "notes": cells.text("notes"),
            "archived": cells.flag("archived"),
            "language": _language(cells),
        }
        contact = (cells.text("email"), cells.text("contact_name", limit=200), cells.text("phone"))
        if ctx.cell_errors(row, cells.errors):
            continue
        go_on, client = _target(ctx, row, "client", existing, seen)
        if not go_on:
            continue
        client = client or Client()
        updating = client.pk is not None
        _assign(client, values, row)

        def report(field: str, message: str, number: int = row.number) -> None:
            ctx.error(number, field or "name", message)

        with savepoint(report):
            services.save_record(client, by=ctx.by)
            _save_contact(ctx, client, *contact)
            if updating:
                ctx.outcome.update("clients", f"Client {client.name}")
            else:
                ctx.outcome.add("clients", f"Client {client.name}")


def _save_contact(ctx: Context, client: Client, email: str, name: str, phone: str) -> None:
    """The primary contact: created from any contact cell, updated when the row gives an email."""
    primary = client.primary_contact
    if primary is None and any((email, name, phone)):
        primary = Contact(client=client)
    elif primary is None or not email:
        return
    primary.email, primary.name, primary.phone = email, name, phone[:64]
    services.save_record(primary, by=ctx.by)


def _currency(cells: Cells) -> str:
    code = cells.text("currency")
    if not code:
        return ""
    try:
        return check_currency(code)
    except MoneyError as error:
        cells.errors.append(CellError("currency", str(error)))
        return ""


def _language(cells: Cells) -> str:
    """A client's document language: a code of settings.LANGUAGES, or empty (the business's)."""
    code = cells.text("language").lower()
    if code and code not in dict(settings.LANGUAGES):
        known = ", ".join(code for code, _name in settings.LANGUAGES)
        cells.errors.append(CellError("language", f"“{code[:16]}” is not one of {known}."))
        return ""
    return code


def import_products(ctx: Context, rows: Sequence[Row]) -> None:
    existing = _existing(Product, rows)
    seen: dict[str, int] = {}
    for done, row in enumerate(rows, start=1):
        ctx.progress(done)
        cells = Cells(row)
        name = cells.required("name", limit=200)
        price = cells.decimal("unit_price")
        if price is None and not any(e.field == "unit_price" for e in cells.errors):
            cells.errors.append(CellError("unit_price", "This value is required."))
        values = {
            "name": name,
            "description": cells.text("description"),
            "unit": cells.text("unit", limit=32),
            "unit_price": price or Decimal(0),
            "archived": cells.flag("archived"),
        }
        taxes = cells.taxes("taxes")
        if ctx.cell_errors(row, cells.errors):
            continue
        go_on, product = _target(ctx, row, "product", existing, seen)
        if not go_on:
            continue
        product = product or Product()
        updating = product.pk is not None
        _assign(product, values, row)

        def report(field: str, message: str, number: int = row.number) -> None:
            ctx.error(number, field or "name", message)

        with savepoint(report):
            rates = ctx.tax_rates(taxes)
            m2m = {"default_taxes": rates} if not updating or "taxes" in row.cells else {}
            services.save_record(product, by=ctx.by, m2m=m2m)
            if updating:
                ctx.outcome.update("products", f"Product {product.name}")
            else:
                ctx.outcome.add("products", f"Product {product.name}")
