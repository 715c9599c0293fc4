"""Rows of the CSV exports: clients, products, invoices (one row per line) and payments.

Exports stream: each yields rows while reading the database in chunks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Max, Prefetch

from invoicetron.billing.formatting import plain
from invoicetron.billing.models import (
    BusinessProfile,
    Client,
    Contact,
    Invoice,
    InvoiceStatus,
    Payment,
    Product,
    TaxRate,
)
from invoicetron.billing.money import minor_unit
from invoicetron.reports.amounts import Base

CHUNK = 500


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


def _invoice_fields(invoice: Invoice, paid_date: Any) -> list[Any]:
    currency = invoice.currency
    return [
        invoice.number,
        invoice.series.name,
        invoice.status,
        invoice.client.name,
        currency,
        plain(invoice.exchange_rate),
        invoice.issue_date.isoformat() if invoice.issue_date else "",
        invoice.due_date.isoformat() if invoice.due_date else "",
        yes_no(invoice.prices_include_tax),
        invoice.discount_type,
        plain(invoice.discount_value),
        invoice.notes,
        invoice.terms,
        amount(invoice.net_total, currency),
        amount(invoice.tax_total, currency),
        amount(invoice.total, currency),
        amount(invoice.amount_paid, currency),
        amount(invoice.amount_credited, currency),
        amount(invoice.balance_due, currency),
        paid_date.isoformat() if paid_date else "",
    ]


def _line_fields(line: dict[str, Any]) -> list[Any]:
    return [
        line["description"],
        plain(Decimal(line["quantity"])),
        line.get("unit", ""),
        plain(Decimal(line["unit_price"])),
        line.get("discount_type", "percent"),
        plain(Decimal(line.get("discount_value", "0"))),
        taxes_text((tax["name"], tax["rate"]) for tax in line.get("taxes", [])),
    ]


def invoice_rows() -> Iterator[list[Any]]:
    """Issued invoices, one row per line, from their frozen snapshots (drafts are not exported)."""
    invoices = (
        Invoice.objects.exclude(status=InvoiceStatus.DRAFT)
        .select_related("client", "series")
        .annotate(paid_date=Max("payments__date"))
        .order_by("issue_date", "series__name", "sequence", "id")
    )
    for invoice in invoices.iterator(CHUNK):
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
    for payment in payments.iterator(CHUNK):
        invoice = payment.invoice
        yield [
            payment.date.isoformat(),
            invoice.number,
            invoice.client.name,
            amount(payment.amount, invoice.currency),
            invoice.currency,
            plain(invoice.exchange_rate),
            amount(getattr(payment, "base_amount", None), base.currency),
            base.currency,
            payment.method,
            payment.reference,
            payment.notes,
        ]
