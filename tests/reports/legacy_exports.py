"""The CSV exports as they were written before they streamed from SQL (per-row ORM objects and
snapshot decoding in Python): the reference that test_export_equivalence.py compares against.

Kept verbatim apart from imports; do not "fix" it: its output is what users had.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch

from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    Contact,
    Invoice,
    InvoiceStatus,
    Payment,
)
from invoicetron.billing.money import minor_unit
from invoicetron.reports import sales as figures
from invoicetron.reports.amounts import Base, DateRange


def number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def amount(value: Decimal | str | None, currency: str) -> str:
    if value is None or value == "":
        return ""
    return f"{Decimal(value):.{minor_unit(currency)}f}"


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def taxes_text(taxes: Iterable[tuple[str, Any]]) -> str:
    return "; ".join(f"{name} {number(Decimal(rate))}" for name, rate in taxes)


def _invoice_fields(invoice: Invoice, paid_date: Any) -> list[Any]:
    currency = invoice.currency
    return [
        invoice.number,
        invoice.series.name,
        invoice.status,
        invoice.kind,
        invoice.client.name,
        currency,
        number(invoice.exchange_rate),
        invoice.issue_date.isoformat() if invoice.issue_date else "",
        invoice.due_date.isoformat() if invoice.due_date else "",
        yes_no(invoice.prices_include_tax),
        invoice.discount_type,
        number(invoice.discount_value),
        invoice.notes,
        invoice.terms,
        amount(invoice.net_total, currency),
        amount(invoice.tax_total, currency),
        amount(invoice.total, currency),
        amount(invoice.amount_paid, currency),
        amount(invoice.amount_credited, currency),
        amount(invoice.balance_due, currency),
        paid_date.isoformat() if paid_date else "",
        "; ".join(link.deposit.number for link in invoice.deductions.order_by("position")),
    ]


def _line_fields(line: dict[str, Any]) -> list[Any]:
    return [
        line["description"],
        number(Decimal(line["quantity"])),
        line.get("unit", ""),
        number(Decimal(line["unit_price"])),
        line.get("discount_type", "percent"),
        number(Decimal(line.get("discount_value", "0"))),
        taxes_text((tax["name"], tax["rate"]) for tax in line.get("taxes", [])),
    ]


def invoice_rows() -> Iterator[list[Any]]:
    invoices = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .select_related("client", "series")
        .annotate(paid_date=Max("payments__date"))
        .order_by("issue_date", "series__name", "sequence", "id")
    )
    for invoice in invoices.iterator(500):
        header = _invoice_fields(invoice, getattr(invoice, "paid_date", None))
        for line in (invoice.snapshot or {}).get("lines", []):
            yield header + _line_fields(line)


def payment_rows() -> Iterator[list[Any]]:
    base = Base.of(BusinessProfile.load())
    payments = (
        Payment.objects.select_related("invoice", "invoice__client")
        .annotate(base_amount=base.convert("amount", "invoice__exchange_rate"))
        .order_by("date", "id")
    )
    for payment in payments.iterator(500):
        invoice = payment.invoice
        yield [
            payment.date.isoformat(),
            invoice.number,
            invoice.client.name,
            amount(payment.amount, invoice.currency),
            invoice.currency,
            number(invoice.exchange_rate),
            amount(getattr(payment, "base_amount", None), base.currency),
            base.currency,
            payment.method,
            payment.reference,
            payment.notes,
        ]


def payment_report_rows(base: Base, dates: DateRange) -> Iterator[list[Any]]:
    for payment in figures.payment_rows(base, dates).iterator(500):
        invoice = payment.invoice
        yield [
            payment.date.isoformat(),
            invoice.number,
            invoice.client.name,
            payment.get_method_display(),
            payment.reference,
            amount(payment.amount, invoice.currency),
            invoice.currency,
            amount(getattr(payment, "base_amount", None), base.currency),
            base.currency,
        ]


DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def client_rows() -> Iterator[list[Any]]:
    primaries = Prefetch("contacts", Contact.objects.filter(is_primary=True), to_attr="primary")
    for client in Client.objects.order_by("name", "id").prefetch_related(primaries).iterator(500):
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
            client.language,
        ]


def neutralise(value: Any) -> str:
    text = "" if value is None else str(value)
    if not text or NUMBER.match(text):
        return text
    if text.startswith(DANGEROUS_START) or (
        text.startswith("'") and text[1:].startswith(DANGEROUS_START)
    ):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The whole file as the old csv_response streamed it (with the byte-order mark)."""
    writer = csv.writer(_Echo())
    lines = ["\ufeff" + writer.writerow([neutralise(cell) for cell in header])]
    lines += [writer.writerow([neutralise(cell) for cell in row]) for row in rows]
    return "".join(lines).encode("utf-8")
