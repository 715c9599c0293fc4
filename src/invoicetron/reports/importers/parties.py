"""Importing clients (with their primary contact) and products."""

from __future__ import annotations

from collections.abc import Sequence

from invoicetron.billing import services
from invoicetron.billing.models import Client, Contact, Product
from invoicetron.billing.money import MoneyError, check_currency
from invoicetron.reports.importers.base import Context, savepoint
from invoicetron.reports.importers.values import CellError, Row

CLIENT_REQUIRED = ("name",)
PRODUCT_REQUIRED = ("name", "unit_price")


def _new_names(ctx: Context, model: type[Client] | type[Product], rows: Sequence[Row]) -> set[str]:
    """Names that neither exist already nor repeat in the file; errors for the others."""
    names = [row.text("name") for row in rows]
    existing = set(model.objects.filter(name__in=names).values_list("name", flat=True))
    seen: dict[str, int] = {}
    fresh = set()
    kind = model._meta.verbose_name
    for row, name in zip(rows, names, strict=True):
        if name in existing:
            ctx.error(row.number, "name", f"A {kind} named “{name}” already exists.")
        elif name in seen:
            ctx.error(row.number, "name", f"“{name}” is already on row {seen[name]}.")
        else:
            seen[name] = row.number
            fresh.add(name)
    return fresh


def import_clients(ctx: Context, rows: Sequence[Row]) -> None:
    fresh = _new_names(ctx, Client, rows)
    for row in rows:
        try:
            client = Client(
                name=row.required("name", limit=200),
                billing_address=row.text("billing_address"),
                tax_id=row.text("tax_id", limit=64),
                currency=_currency(row),
                payment_terms_days=row.integer("payment_terms_days", low=0, high=365),
                notes=row.text("notes"),
                archived=row.flag("archived"),
            )
            contact = (row.text("email"), row.text("contact_name", limit=200), row.text("phone"))
        except CellError as error:
            ctx.cell_error(row, error)
            continue
        if client.name not in fresh:
            continue

        def report(name: str, message: str, number: int = row.number) -> None:
            ctx.error(number, name or "name", message)

        with savepoint(report):
            services.save_record(client, by=ctx.by)
            if any(contact):
                email, name, phone = contact
                services.save_record(
                    Contact(client=client, email=email, name=name, phone=phone[:64]), by=ctx.by
                )
            ctx.outcome.add("clients", f"Client {client.name}")


def _currency(row: Row) -> str:
    code = row.text("currency")
    if not code:
        return ""
    try:
        return check_currency(code)
    except MoneyError as error:
        raise CellError("currency", str(error)) from error


def import_products(ctx: Context, rows: Sequence[Row]) -> None:
    fresh = _new_names(ctx, Product, rows)
    for row in rows:
        try:
            price = row.decimal("unit_price")
            if price is None:
                raise CellError("unit_price", "This value is required.")
            product = Product(
                name=row.required("name", limit=200),
                description=row.text("description"),
                unit=row.text("unit", limit=32),
                unit_price=price,
                archived=row.flag("archived"),
            )
            taxes = row.taxes("taxes")
        except CellError as error:
            ctx.cell_error(row, error)
            continue
        if product.name not in fresh:
            continue

        def report(name: str, message: str, number: int = row.number) -> None:
            ctx.error(number, name or "name", message)

        with savepoint(report):
            rates = ctx.tax_rates(taxes)
            services.save_record(product, by=ctx.by, m2m={"default_taxes": rates})
            ctx.outcome.add("products", f"Product {product.name}")
