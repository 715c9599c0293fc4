"""Rows of the CSV exports: clients, products, invoices (one row per line) and payments.

Exports stream: each yields rows while reading the database in chunks, inside a transaction
(see `in_transaction`), as plain tuples: no model objects, no snapshot decoded in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Prefetch

from invoicetron.billing.formatting import plain
from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    Contact,
    Invoice,
    InvoiceStatus,
    NumberSeries,
    Payment,
    Product,
    TaxRate,
)
from invoicetron.billing.money import minor_unit
from invoicetron.reports.amounts import Base

CHUNK = 500
# Rows fetched per round trip from a server-side cursor: rows without model objects are small.
CURSOR_ROWS = 2000
T = TypeVar("T")


def amount(value: Decimal | str | None, currency: str) -> str:
    """An amount with exactly the currency's minor digits: 240.00, 1500 (JPY)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):.{minor_unit(currency)}f}"


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def taxes_text(taxes: Iterable[tuple[str, Any]]) -> str:
    """`VAT 20; City tax 1.5`: each tax as its name and rate in percent."""
    return "; ".join(f"{name} {plain(Decimal(rate))}" for name, rate in taxes)


def client_rows() -> Iterator[list[Any]]:
    return in_transaction(_clients())


def _clients() -> Iterator[list[Any]]:
    primaries = Prefetch("contacts", Contact.objects.filter(is_primary=True), to_attr="primary")
    for client in Client.objects.order_by("name", "id").prefetch_related(primaries).iterator(CHUNK):
        primary = getattr(client, "primary", [])
        contact = primary[0] if primary else None
        yield [
            client.name,
            contact.email if contact else "",
            contact.name if contact else "",
            contact.phone if contact else "",
            client.billing_address,
            client.tax_id,
            client.currency,
            "" if client.payment_terms_days is None else client.payment_terms_days,
            client.notes,
            yes_no(client.archived),
        ]


def product_rows() -> Iterator[list[Any]]:
    return in_transaction(_products())


def _products() -> Iterator[list[Any]]:
    taxes = Prefetch("default_taxes", TaxRate.objects.order_by("rate", "name"))
    for product in Product.objects.order_by("name", "id").prefetch_related(taxes).iterator(CHUNK):
        yield [
            product.name,
            product.description,
            product.unit,
            plain(product.unit_price),
            taxes_text((tax.name, tax.rate) for tax in product.default_taxes.all()),
            yes_no(product.archived),
        ]


# Issued invoices in export order. Only these narrow keys are sorted: sorting whole invoice rows
# spilled to temporary files and delayed the first byte by seconds.
ORDERED_INVOICES_SQL = """
SELECT i.id FROM {invoice} i JOIN {series} s ON s.id = i.series_id
WHERE i.status <> %s
ORDER BY i.issue_date, s.name, i.sequence, i.id
"""
# One row per line of each of a batch of invoices (ids in export order), in the order of its
# frozen snapshot. PostgreSQL expands the snapshot's lines and formats what it formats exactly as
# `billing.formatting.plain()` does (trim_scale drops trailing zeros as Decimal.normalize does);
# money amounts stay numeric and are formatted by `amount()` below. Line fields default as the
# snapshot reader always did. OFFSET 0 keeps the invoice fields (and the paid date) computed
# once per invoice.
INVOICE_LINES_SQL = """
SELECT head.id, head.number, head.series, head.status, head.client, head.currency,
  head.exchange_rate, head.issue_date, head.due_date, head.prices_include_tax,
  head.discount_type, head.discount_value, head.notes, head.terms, head.net_total,
  head.tax_total, head.total, head.amount_paid, head.amount_credited, head.balance_due,
  head.paid_date,
  line.value ->> 'description',
  trim_scale((line.value ->> 'quantity')::numeric)::text,
  COALESCE(line.value ->> 'unit', ''),
  trim_scale((line.value ->> 'unit_price')::numeric)::text,
  CASE WHEN line.value ? 'discount_type' THEN COALESCE(line.value ->> 'discount_type', '')
    ELSE 'percent' END,
  trim_scale(COALESCE(line.value ->> 'discount_value', '0')::numeric)::text,
  COALESCE((
    SELECT string_agg(
      concat(tax.value ->> 'name', ' ', trim_scale((tax.value ->> 'rate')::numeric)), '; '
      ORDER BY tax.position)
    FROM jsonb_array_elements(line.value -> 'taxes') WITH ORDINALITY AS tax(value, position)
  ), '')
FROM (
  SELECT i.id, i.number, s.name AS series, i.status, c.name AS client, i.currency,
    trim_scale(i.exchange_rate)::text AS exchange_rate,
    to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date,
    to_char(i.due_date, 'YYYY-MM-DD') AS due_date,
    i.prices_include_tax, i.discount_type, trim_scale(i.discount_value)::text AS discount_value,
    i.notes, i.terms, i.net_total, i.tax_total, i.total, i.amount_paid, i.amount_credited,
    i.balance_due,
    to_char((SELECT max(p.date) FROM {payment} p WHERE p.invoice_id = i.id), 'YYYY-MM-DD')
      AS paid_date,
    i.snapshot -> 'lines' AS lines,
    batch.position
  FROM {invoice} i
  JOIN unnest(%s::bigint[]) WITH ORDINALITY AS batch(id, position) ON batch.id = i.id
  JOIN {series} s ON s.id = i.series_id
  JOIN {client} c ON c.id = i.client_id
  WHERE i.id = ANY(%s::bigint[])
  OFFSET 0
) head
CROSS JOIN LATERAL jsonb_array_elements(head.lines) WITH ORDINALITY AS line(value, position)
ORDER BY head.position, line.position
"""
# Where in a row of INVOICE_LINES_SQL the invoice's amounts and its paid date are.
AMOUNTS = slice(14, 20)
FIRST_LINE_FIELD = 21
INVOICES_PER_BATCH = 1000


def in_transaction(rows: Iterator[T]) -> Iterator[T]:
    """`rows`, read inside one transaction.

    A server-side cursor (what `iterator()` and `chunked_cursor()` use) outside a transaction is
    declared WITH HOLD, and PostgreSQL then writes the whole result to temporary files before the
    first row; inside a transaction it streams. PostgreSQL plans a cursor for its first 10 % of
    rows by default (`cursor_tuple_fraction`): fast-start plans that took the invoice export from
    5 s to 38 s on 20,000 invoices. An export reads every row, so it says so. Closing this
    generator (the client went away) rolls the read-only transaction back.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL cursor_tuple_fraction = 1.0")
        yield from rows


def _invoice_line_rows() -> Iterator[list[Any]]:
    tables = {
        "invoice": Invoice._meta.db_table,
        "series": NumberSeries._meta.db_table,
        "client": Client._meta.db_table,
        "payment": Payment._meta.db_table,
    }
    lines_sql = INVOICE_LINES_SQL.format(**tables)
    with connection.chunked_cursor() as ordered, connection.cursor() as batch:
        ordered.execute(ORDERED_INVOICES_SQL.format(**tables), [InvoiceStatus.DRAFT])
        while ids := [row[0] for row in ordered.fetchmany(INVOICES_PER_BATCH)]:
            batch.execute(lines_sql, [ids, ids])
            yield from _with_invoice_fields(batch.fetchall())


def _with_invoice_fields(rows: list[tuple[Any, ...]]) -> Iterator[list[Any]]:
    """Each line row with its invoice's fields as the export writes them (formatted once)."""
    header: list[Any] = []
    invoice_id = None
    for row in rows:
        if row[0] != invoice_id:
            invoice_id, currency = row[0], row[5]
            header = [
                *row[1:9],
                yes_no(row[9]),
                *row[10:14],
                *(amount(value, currency) for value in row[AMOUNTS]),
                row[20],
            ]
        yield header + list(row[FIRST_LINE_FIELD:])


def invoice_rows() -> Iterator[list[Any]]:
    """Issued invoices, one row per line, from their frozen snapshots (drafts are not exported)."""
    return in_transaction(_invoice_line_rows())


def _payments() -> Iterator[list[Any]]:
    base = Base.of(BusinessProfile.load())
    payments = (
        Payment.objects.order_by("date", "id")
        .annotate(base_amount=base.convert("amount", "invoice__exchange_rate"))
        .values_list(
            "date",
            "invoice__number",
            "invoice__client__name",
            "amount",
            "invoice__currency",
            "invoice__exchange_rate",
            "base_amount",
            "method",
            "reference",
            "notes",
        )
    )
    for (
        day,
        number_,
        client,
        paid,
        currency,
        rate,
        in_base,
        method,
        reference,
        notes,
    ) in payments.iterator(CURSOR_ROWS):
        yield [
            day.isoformat(),
            number_,
            client,
            amount(paid, currency),
            currency,
            plain(rate),
            amount(in_base, base.currency),
            base.currency,
            method,
            reference,
            notes,
        ]


def payment_rows() -> Iterator[list[Any]]:
    return in_transaction(_payments())
