"""Rows of the CSV exports: clients, products, invoices (one row per line), payments, refunds
and the client-credit ledger.

Clients, invoices and payments are queries of final cells that PostgreSQL writes as CSV itself
(COPY, see `sqlcsv`): no row, model object or snapshot in Python. Products (few) yield rows read
in chunks inside a transaction (see `in_transaction`) for csv.writer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import (
    Case,
    Expression,
    F,
    FilteredRelation,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce

from invoicetron.billing.formatting import plain
from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    CreditEntry,
    DepositDeduction,
    Invoice,
    InvoiceStatus,
    NumberSeries,
    Payment,
    Product,
    Refund,
    TaxRate,
)
from invoicetron.billing.money import minor_unit
from invoicetron.reports.amounts import Base
from invoicetron.reports.csvio.columns import INVOICE_HEADER_COLUMNS
from invoicetron.reports.csvio.sqlcsv import (
    Cell,
    Inline,
    IsoDate,
    MinorPlaces,
    Money,
    Number,
    YesNo,
)

CHUNK = 500
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


def client_rows() -> QuerySet[Client]:
    """Clients by name, each with its primary contact, as cells that PostgreSQL writes as CSV
    (see `sqlcsv`): model instances and a prefetch of the contacts cost about 60 µs a client, so
    2,000 clients took 0.13 s before the first byte. A client has one primary contact at most
    (the unique index `billing_contact_one_primary`), so the join adds no row."""
    clients = Client.objects.annotate(
        main_contact=FilteredRelation("contacts", condition=Q(contacts__is_primary=True))
    )

    def contact(field: str) -> Cell:
        return Cell(Coalesce(f"main_contact__{field}", Value("")))

    return clients.order_by("name", "id").values_list(
        Cell("name"),
        contact("email"),
        contact("name"),
        contact("phone"),
        Cell("billing_address"),
        Cell("tax_id"),
        Cell("currency"),
        Cell(Coalesce(Cast("payment_terms_days", TextField()), Value(""))),
        Cell("notes"),
        YesNo("archived"),
        Cell("language"),
    )


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


# Issued invoices, one row per line of each, in export order, as cells (see `sqlcsv`) that
# PostgreSQL writes as CSV. Only the narrow sort keys of `ordered` are sorted: sorting whole rows
# spilled to temporary files; the lines of an invoice come in the order of its frozen snapshot,
# and the final ORDER BY only sorts each invoice's few lines (an incremental sort). `head` makes
# each invoice's cells once (OFFSET 0: not once per line). Line fields default as the snapshot
# reader always did (tests/reports/legacy_exports.py).
INVOICE_LINES_SQL = """
SELECT {head_cells},
  {description}, {quantity}, {unit}, {unit_price}, {line_discount_type}, {line_discount_value},
  {taxes}
FROM (
  SELECT i.id, i.issue_date, s.name AS series, i.sequence
  FROM {invoice_table} i JOIN {series_table} s ON s.id = i.series_id
  WHERE i.status <> '{draft}'
  ORDER BY i.issue_date, s.name, i.sequence, i.id
) ordered
CROSS JOIN LATERAL (
  SELECT {number}, {series}, {status}, {kind}, {client}, {currency}, {exchange_rate}, {issue_date},
    {due_date}, {prices_include_tax}, {discount_type}, {discount_value}, {notes}, {terms},
    {net_total}, {tax_total}, {total}, {amount_paid}, {amount_credited}, {balance_due},
    (SELECT {paid_date} FROM {payment_table} p WHERE p.invoice_id = i.id),
    (SELECT {deducts} FROM {deduction_table} d JOIN {invoice_table} deposit
       ON deposit.id = d.deposit_id WHERE d.final_id = i.id),
    i.snapshot -> 'lines'
  FROM {invoice_table} i
  JOIN {series_table} s ON s.id = i.series_id
  JOIN {client_table} c ON c.id = i.client_id
  WHERE i.id = ordered.id
  OFFSET 0
) head({head_columns}, lines)
CROSS JOIN LATERAL jsonb_array_elements(head.lines) WITH ORDINALITY AS line(value, position)
CROSS JOIN LATERAL (
  SELECT COALESCE(string_agg(
    concat(tax.value ->> 'name', ' ', trim_scale((tax.value ->> 'rate')::numeric)), '; '
    ORDER BY tax.position), '')
  FROM jsonb_array_elements(line.value -> 'taxes') WITH ORDINALITY AS tax(value, position)
) taxes(text)
ORDER BY ordered.issue_date, ordered.series, ordered.sequence, ordered.id, line.position
"""


def _invoice_lines_sql() -> str:
    places = MinorPlaces.sql("i.currency")
    money = {
        name: Money.sql(f"i.{name}", places)
        for name in ("net_total", "tax_total", "total", "amount_paid", "amount_credited")
    }
    return INVOICE_LINES_SQL.format(
        invoice_table=Invoice._meta.db_table,
        series_table=NumberSeries._meta.db_table,
        client_table=Client._meta.db_table,
        payment_table=Payment._meta.db_table,
        draft=InvoiceStatus.DRAFT.value,
        number=Cell.sql("i.number"),
        head_cells=", ".join(f'head."{column}"' for column in INVOICE_HEADER_COLUMNS),
        head_columns=", ".join(f'"{column}"' for column in INVOICE_HEADER_COLUMNS),
        series=Cell.sql("s.name"),
        status=Cell.sql("i.status"),
        kind=Cell.sql("i.kind"),
        client=Cell.sql("c.name"),
        currency=Cell.sql("i.currency"),
        exchange_rate=Number.sql("i.exchange_rate"),
        issue_date=IsoDate.sql("i.issue_date"),
        due_date=IsoDate.sql("i.due_date"),
        prices_include_tax=YesNo.sql("i.prices_include_tax"),
        discount_type=Cell.sql("i.discount_type"),
        discount_value=Number.sql("i.discount_value"),
        notes=Cell.sql("i.notes"),
        terms=Cell.sql("i.terms"),
        balance_due=Money.sql("i.balance_due", places),
        paid_date=IsoDate.sql("max(p.date)"),
        deduction_table=DepositDeduction._meta.db_table,
        # A final invoice's deposit invoices, so that an import deducts them again.
        deducts=Cell.sql("COALESCE(string_agg(deposit.number, '; ' ORDER BY d.position), '')"),
        **money,
        description=Cell.sql("line.value ->> 'description'"),
        quantity=Number.sql("(line.value ->> 'quantity')::numeric"),
        unit=Cell.sql("line.value ->> 'unit'"),
        unit_price=Number.sql("(line.value ->> 'unit_price')::numeric"),
        line_discount_type=Cell.sql(
            "CASE WHEN line.value ? 'discount_type' THEN line.value ->> 'discount_type' "
            "ELSE 'percent' END"
        ),
        line_discount_value=Number.sql("COALESCE(line.value ->> 'discount_value', '0')::numeric"),
        taxes=Cell.sql("taxes.text"),
    )


def invoice_rows() -> str:
    """Issued invoices, one row per line, from their frozen snapshots (drafts are not exported).

    SQL of cells that PostgreSQL writes as CSV (see `sqlcsv`).
    """
    return _invoice_lines_sql()


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


def payment_rows() -> QuerySet[Payment]:
    """Payments, oldest first, as cells that PostgreSQL writes as CSV (see `sqlcsv`)."""
    base = Base.of(BusinessProfile.load())
    return Payment.objects.order_by("date", "id").values_list(
        IsoDate("date"),
        Cell("invoice__number"),
        Cell("invoice__client__name"),
        Money("amount", MinorPlaces("invoice__currency")),
        Cell("invoice__currency"),
        Number("invoice__exchange_rate"),
        *base_amount_cells(base, base.convert("amount", "invoice__exchange_rate")),
        Cell("method"),
        Cell("reference"),
        Cell("notes"),
    )


def refund_rows() -> QuerySet[Refund]:
    """Refunds, oldest first, as cells (see `sqlcsv`); amounts positive, as recorded."""
    base = Base.of(BusinessProfile.load())
    return Refund.objects.order_by("date", "id").values_list(
        IsoDate("date"),
        Cell(
            Case(
                When(payment__isnull=True, then=Value("client_credit")),
                default=Value("payment"),
            )
        ),
        Cell("invoice__number"),
        Cell("client__name"),
        Money("amount", MinorPlaces("currency")),
        Cell("currency"),
        Number("exchange_rate"),
        *base_amount_cells(base, base.convert("amount")),
        Cell("method"),
        Cell("reference"),
        Cell("notes"),
    )


def client_credit_rows() -> QuerySet[CreditEntry]:
    """The client-credit ledger, oldest first, as cells (see `sqlcsv`)."""
    return CreditEntry.objects.order_by("date", "id").values_list(
        IsoDate("date"),
        Cell("client__name"),
        Cell("kind"),
        Money("amount", MinorPlaces("currency")),
        Cell("currency"),
        Cell("invoice__number"),
        Cell("credit_note__number"),
    )


def base_amount_cells(base: Base, converted: Expression | F) -> tuple[Money, Cell]:
    """An amount converted to the base currency, and that currency, as two cells."""
    return Money(converted, Inline(str(base.places))), Cell(Inline.text(base.currency))
