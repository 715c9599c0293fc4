"""The demo rows as the tables hold them, written with COPY (see demo.load for the order)."""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection

from invoicetron.demo.build import DemoClient, DemoCredit, DemoInvoice, moment

INVOICE_COLUMNS = (
    "id",
    "status",
    "number",
    "currency",
    "exchange_rate",
    "issue_date",
    "due_date",
    "prices_include_tax",
    "discount_type",
    "discount_value",
    "notes",
    "terms",
    "snapshot",
    "net_total",
    "tax_total",
    "total",
    "amount_paid",
    "amount_credited",
    "balance_due",
    "created_at",
    "updated_at",
    "issued_at",
    "sent_at",
    "client_id",
    "created_by_id",
    "issued_by_id",
    "series_id",
)
LINE_COLUMNS = (
    "id",
    "position",
    "description",
    "quantity",
    "unit",
    "unit_price",
    "discount_type",
    "discount_value",
    "invoice_id",
    "product_id",
)
PAYMENT_COLUMNS = (
    "id",
    "date",
    "amount",
    "method",
    "reference",
    "notes",
    "created_at",
    "created_by_id",
    "invoice_id",
)
CREDIT_COLUMNS = (
    "id",
    "number",
    "sequence",
    "currency",
    "issue_date",
    "reason",
    "snapshot",
    "net_total",
    "tax_total",
    "total",
    "created_at",
    "created_by_id",
    "invoice_id",
    "series_id",
)
CREDIT_LINE_COLUMNS = (
    "position",
    "description",
    "quantity",
    "unit_price",
    "amount",
    "credit_note_id",
    "invoice_line_id",
)
EVENT_COLUMNS = (
    "actor_id",
    "actor_label",
    "created_at",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "invoice_id",
    "old_values",
    "new_values",
)


@dataclass(frozen=True)
class Context:
    owner_id: int | None
    owner_label: str
    tax_ids: dict[tuple[str, Decimal], int]
    series_id: int
    credit_series_id: int


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), default=str)


# COPY's text format: backslash, tab, newline and carriage return are escaped; NULL is \N.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def field(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    return str(value)  # numbers, Decimals, dates and aware datetimes print as PostgreSQL reads


def copy(table: str, columns: Sequence[str], data: Iterator[Sequence[Any]]) -> int:
    """COPY the rows in text format, formatted here: several times faster than row adaptation."""
    count = 0
    statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(statement) as stream:
        buffer: list[str] = []
        for row in data:
            buffer.append("\t".join(map(field, row)))
            count += 1
            if len(buffer) >= 1000:
                stream.write("\n".join(buffer) + "\n")
                buffer.clear()
        if buffer:
            stream.write("\n".join(buffer) + "\n")
    return count


def write_clients(clients: Sequence[DemoClient], today: datetime.date, rng: random.Random) -> None:
    created = moment(today - datetime.timedelta(days=760), rng)
    copy(
        "billing_client",
        (
            "id",
            "name",
            "billing_address",
            "tax_id",
            "currency",
            "payment_terms_days",
            "notes",
            "archived",
            "created_at",
            "updated_at",
        ),
        (
            (
                c.id,
                c.name,
                c.snapshot["billing_address"],
                c.snapshot["tax_id"],
                c.currency,
                c.terms,
                "",
                False,
                created,
                created,
            )
            for c in clients
        ),
    )
    copy(
        "billing_contact",
        ("name", "email", "phone", "is_primary", "client_id"),
        (
            (c.snapshot["contact_name"], c.snapshot["contact_email"], "", True, c.id)
            for c in clients
        ),
    )


def write_invoices(invoices: Sequence[DemoInvoice], context: Context) -> dict[str, int]:
    """Drafts, their lines and taxes, then the issue (an UPDATE the triggers allow), the rest."""
    assign_ids(invoices)
    written = {"invoices": copy("billing_invoice", INVOICE_COLUMNS, draft_rows(invoices, context))}
    written["lines"] = copy("billing_invoiceline", LINE_COLUMNS, line_rows(invoices))
    copy("billing_invoiceline_taxes", ("invoiceline_id", "taxrate_id"), tax_rows(invoices, context))
    issue(invoices)
    written["payments"] = copy("billing_payment", PAYMENT_COLUMNS, payment_rows(invoices, context))
    written["credit_notes"] = write_credit_notes(invoices, context)
    copy("billing_auditevent", EVENT_COLUMNS, event_rows(invoices, context))
    return written


def issued_at(invoice: DemoInvoice) -> datetime.datetime:
    day = invoice.plan.issue_date
    return datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC)


def last_change(invoice: DemoInvoice) -> datetime.datetime:
    days = [p.date for p in invoice.payments] + ([invoice.credit.date] if invoice.credit else [])
    if not days:
        return invoice.sent_at or issued_at(invoice)
    return datetime.datetime.combine(max(days), datetime.time(17), tzinfo=datetime.UTC)


def draft_rows(invoices: Sequence[DemoInvoice], context: Context) -> Iterator[Sequence[Any]]:
    for invoice in invoices:
        totals = invoice.totals
        yield (
            invoice.plan.id,
            "draft",
            "",
            invoice.currency,
            invoice.exchange_rate,
            invoice.plan.issue_date,
            invoice.due_date,
            invoice.prices_include_tax,
            "percent",
            invoice.discount_value,
            "",
            "",
            dumps(invoice.snapshot),
            totals.net_total,
            totals.tax_total,
            totals.total,
            invoice.amount_paid,
            invoice.amount_credited,
            invoice.balance_due,
            issued_at(invoice),
            last_change(invoice),
            issued_at(invoice),
            invoice.sent_at,
            invoice.plan.client.id,
            context.owner_id,
            context.owner_id,
            context.series_id,
        )


def line_rows(invoices: Sequence[DemoInvoice]) -> Iterator[Sequence[Any]]:
    for invoice in invoices:
        for line in invoice.lines:
            yield (
                line.id,
                line.position,
                line.description,
                line.quantity,
                line.unit,
                line.unit_price,
                "percent",
                line.discount_value,
                invoice.plan.id,
                None,
            )


def tax_rows(invoices: Sequence[DemoInvoice], context: Context) -> Iterator[Sequence[Any]]:
    for invoice in invoices:
        for line in invoice.lines:
            for tax in line.taxes:
                yield (line.id, context.tax_ids[tax])


def issue(invoices: Sequence[DemoInvoice]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS demo_issue "
            "(id bigint, status text, number text, sequence integer) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE demo_issue")
    copy(
        "demo_issue",
        ("id", "status", "number", "sequence"),
        ((i.plan.id, i.status, i.plan.number, i.plan.sequence) for i in invoices),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE billing_invoice AS i SET status = s.status, number = s.number, "
            "sequence = s.sequence FROM demo_issue AS s WHERE i.id = s.id"
        )


def payment_rows(invoices: Sequence[DemoInvoice], context: Context) -> Iterator[Sequence[Any]]:
    for invoice in invoices:
        for payment in invoice.payments:
            at = datetime.datetime.combine(payment.date, datetime.time(16), tzinfo=datetime.UTC)
            yield (
                payment.id,
                payment.date,
                payment.amount,
                payment.method,
                payment.reference,
                "",
                at,
                context.owner_id,
                invoice.plan.id,
            )


def reserve_ids(table: str, count: int) -> list[int]:
    """`count` fresh ids from the table's identity sequence."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def assign_ids(invoices: Sequence[DemoInvoice]) -> None:
    payments = [payment for invoice in invoices for payment in invoice.payments]
    for payment, payment_id in zip(
        payments, reserve_ids("billing_payment", len(payments)), strict=True
    ):
        payment.id = payment_id
    notes = [invoice.credit for invoice in invoices if invoice.credit is not None]
    for note, note_id in zip(notes, reserve_ids("billing_creditnote", len(notes)), strict=True):
        note.id = note_id


def write_credit_notes(invoices: Sequence[DemoInvoice], context: Context) -> int:
    credited = [i for i in invoices if i.credit is not None]
    copy("billing_creditnote", CREDIT_COLUMNS, credit_rows(credited, context))
    copy("billing_creditnoteline", CREDIT_LINE_COLUMNS, credit_line_rows(credited))
    return len(credited)


def credit_of(invoice: DemoInvoice) -> DemoCredit:
    assert invoice.credit is not None
    return invoice.credit


def credit_rows(invoices: Sequence[DemoInvoice], context: Context) -> Iterator[Sequence[Any]]:
    for invoice in invoices:
        note = credit_of(invoice)
        at = datetime.datetime.combine(note.date, datetime.time(11), tzinfo=datetime.UTC)
        yield (
            note.id,
            note.number,
            note.sequence,
            invoice.currency,
            note.date,
            note.reason,
            dumps(note.snapshot),
            note.totals.net_total,
            note.totals.tax_total,
            note.totals.total,
            at,
            context.owner_id,
            invoice.plan.id,
            context.credit_series_id,
        )


def credit_line_rows(invoices: Sequence[DemoInvoice]) -> Iterator[Sequence[Any]]:
    for invoice in invoices:
        note = credit_of(invoice)
        for position, (line, quantity, amount) in enumerate(note.lines, 1):
            yield (position, line.description, quantity, line.unit_price, amount, note.id, line.id)


def event_rows(invoices: Sequence[DemoInvoice], context: Context) -> Iterator[Sequence[Any]]:
    """The trail the services would have written: issue, send, credit, payments."""
    actor = (context.owner_id, context.owner_label)
    for invoice in invoices:
        plan = invoice.plan
        new = {
            "status": "issued",
            "number": plan.number,
            "issue_date": plan.issue_date.isoformat(),
            "due_date": invoice.due_date.isoformat(),
            "exchange_rate": str(invoice.exchange_rate),
            "total": str(invoice.totals.total),
        }
        yield event(
            actor,
            issued_at(invoice),
            "issue",
            "invoice",
            plan.id,
            plan.number,
            plan.id,
            {"status": "draft"},
            new,
        )
        if invoice.sent_at:
            yield event(
                actor,
                invoice.sent_at,
                "send",
                "invoice",
                plan.id,
                plan.number,
                plan.id,
                {"status": "issued", "sent_at": None},
                {"status": "sent", "sent_at": invoice.sent_at.isoformat()},
            )
        if invoice.credit:
            note = invoice.credit
            at = datetime.datetime.combine(note.date, datetime.time(11), tzinfo=datetime.UTC)
            yield event(
                actor,
                at,
                "credit",
                "creditnote",
                note.id,
                note.number,
                plan.id,
                {},
                {"number": note.number, "total": str(note.totals.total)},
            )
        for payment in invoice.payments:
            at = datetime.datetime.combine(payment.date, datetime.time(16), tzinfo=datetime.UTC)
            new = {
                "date": payment.date.isoformat(),
                "amount": str(payment.amount),
                "method": payment.method,
                "reference": payment.reference,
                "status": payment.status_after,
                "balance_due": str(payment.balance_after),
            }
            yield event(
                actor,
                at,
                "payment",
                "payment",
                payment.id,
                f"{payment.amount} on {payment.date}",
                plan.id,
                {},
                new,
            )


def event(
    actor: tuple[int | None, str],
    at: datetime.datetime,
    action: str,
    model: str,
    object_id: int,
    label: str,
    invoice_id: int,
    old: dict[str, Any],
    new: dict[str, Any],
) -> Sequence[Any]:
    return (
        actor[0],
        actor[1],
        at,
        action,
        f"billing.{model}",
        str(object_id),
        label[:200],
        invoice_id,
        dumps(old),
        dumps(new),
    )
